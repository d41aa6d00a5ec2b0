import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import {
  findExecutable,
  findProjectRoot,
  kubeconfigFiles,
  type Platform,
  projectFile,
  resolveUserPath,
  timestampForFile,
} from './paths.ts';

function windows(files: string[], env: NodeJS.ProcessEnv = {}): Platform {
  const set = new Set(files.map((f) => f.toLowerCase()));
  return { path: path.win32, os: 'win32', env, exists: (f) => set.has(f.toLowerCase()) };
}
function posix(files: string[], env: NodeJS.ProcessEnv = {}): Platform {
  const set = new Set(files);
  return { path: path.posix, os: 'linux', env, exists: (f) => set.has(f) };
}

describe('Windows-style paths', () => {
  test('the project root is found above a nested folder, drive letter and all', () => {
    const platform = windows(['C:\\Users\\Ada\\src\\berth\\deploy\\charts']);
    assert.equal(
      findProjectRoot('C:\\Users\\Ada\\src\\berth\\apps\\names\\api', platform),
      'C:\\Users\\Ada\\src\\berth',
    );
    assert.equal(findProjectRoot('D:\\elsewhere', platform), undefined);
  });
  test('project files named with "/" become backslash paths', () => {
    assert.equal(
      projectFile('C:\\src\\berth', 'deploy/charts/names/values-dev.yaml', windows([])),
      'C:\\src\\berth\\deploy\\charts\\names\\values-dev.yaml',
    );
  });
  test('user paths: relative, absolute with another drive, UNC, ~\\', () => {
    const platform = windows([], { USERPROFILE: 'C:\\Users\\Ada' });
    assert.equal(
      resolveUserPath('backups\\names.dump', 'C:\\src\\berth', platform),
      'C:\\src\\berth\\backups\\names.dump',
    );
    assert.equal(resolveUserPath('D:\\backups\\names.dump', 'C:\\src\\berth', platform), 'D:\\backups\\names.dump');
    assert.equal(resolveUserPath('\\\\nas\\share\\names.dump', 'C:\\src', platform), '\\\\nas\\share\\names.dump');
    assert.equal(resolveUserPath('~\\names.dump', 'C:\\src', platform), 'C:\\Users\\Ada\\names.dump');
    assert.equal(resolveUserPath('C:/mixed/slashes.dump', 'C:\\src', platform), 'C:\\mixed\\slashes.dump');
  });
  test('KUBECONFIG is ";"-separated on Windows; the default is under USERPROFILE', () => {
    assert.deepEqual(kubeconfigFiles(undefined, windows([], { KUBECONFIG: 'C:\\a\\config;D:\\b\\config' })), [
      'C:\\a\\config',
      'D:\\b\\config',
    ]);
    assert.deepEqual(kubeconfigFiles(undefined, windows([], { USERPROFILE: 'C:\\Users\\Ada' })), [
      'C:\\Users\\Ada\\.kube\\config',
    ]);
  });
  test('executables are found through PATH and PATHEXT (kubectl → kubectl.exe, case-insensitive)', () => {
    const platform = windows(['C:\\Program Files\\Kubectl\\kubectl.exe', 'C:\\tools\\helm.EXE'], {
      PATH: 'C:\\Windows;C:\\Program Files\\Kubectl;C:\\tools',
      PATHEXT: '.COM;.EXE;.BAT;.CMD',
    });
    // Windows file names are case-insensitive: PATHEXT's ".EXE" finds kubectl.exe.
    assert.equal(findExecutable('kubectl', platform)?.toLowerCase(), 'c:\\program files\\kubectl\\kubectl.exe');
    assert.equal(findExecutable('helm', platform)?.toLowerCase(), 'c:\\tools\\helm.exe');
    assert.equal(findExecutable('docker', platform), undefined);
    assert.equal(
      findExecutable('C:\\Program Files\\Kubectl\\kubectl', platform)?.toLowerCase(),
      'c:\\program files\\kubectl\\kubectl.exe',
    );
  });
});

describe('POSIX paths', () => {
  test('root, user paths, KUBECONFIG with ":", PATH lookup', () => {
    const platform = posix(['/home/ada/berth/deploy/charts', '/usr/local/bin/helm'], {
      HOME: '/home/ada',
      PATH: '/usr/bin:/usr/local/bin',
      KUBECONFIG: '/a/config:/b/config',
    });
    assert.equal(findProjectRoot('/home/ada/berth/packages/berth', platform), '/home/ada/berth');
    assert.equal(resolveUserPath('~/names.dump', '/tmp', platform), '/home/ada/names.dump');
    assert.deepEqual(kubeconfigFiles(undefined, platform), ['/a/config', '/b/config']);
    assert.deepEqual(kubeconfigFiles('/given', platform), ['/given']);
    assert.equal(findExecutable('helm', platform), '/usr/local/bin/helm');
    assert.equal(findExecutable('helm.exe', platform), undefined);
  });
  test('timestamps in file names carry no ":" (invalid on Windows)', () => {
    assert.equal(timestampForFile(new Date('2026-11-23T10:04:05.678Z')), '2026-11-23T10-04-05Z');
  });
});
