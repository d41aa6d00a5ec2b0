// The Todo web image as Kubernetes runs it: built from apps/todo/web/Dockerfile
// on the locally built base images, in a namespace that enforces PodSecurity
// restricted, with a read-only root filesystem and only an emptyDir at /tmp,
// reached through a NodePort. The Todo chart deploys the same image next to
// the API; here the API's Service exists (nginx resolves its upstream when it
// starts) but has no pod behind it, so /api/ must answer with JSON.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  buildImage,
  eventually,
  httpRequest,
  imageSize,
  KUBECTL,
  kubectl,
  loadImage,
  nodeIP,
  run,
} from '@berth/testkit/cluster';

const NS = 'berth-todo-web';
const NODE_PORT = 30380;
const TAG = `e2e-${(await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim()}`;
const IMAGE = `localhost/todo-web:${TAG}`;
let base = '';

const manifest = `
apiVersion: v1
kind: Namespace
metadata:
  name: ${NS}
  labels: {pod-security.kubernetes.io/enforce: restricted}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ${NS}, labels: {app: todo-web}}
spec:
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: web
      image: ${IMAGE}
      imagePullPolicy: Never
      env: [{name: API_UPSTREAM, value: "todo-api.${NS}.svc.cluster.local:8000"}]
      ports: [{containerPort: 8080}]
      readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 2}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: {drop: [ALL]}
      volumeMounts: [{name: tmp, mountPath: /tmp}]
      resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 64Mi}}
  volumes: [{name: tmp, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata: {name: todo-api, namespace: ${NS}}
spec:
  selector: {app: no-api-here}
  ports: [{port: 8000, targetPort: 8000}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${NS}}
spec:
  type: NodePort
  selector: {app: todo-web}
  ports: [{port: 8080, targetPort: 8080, nodePort: ${NODE_PORT}}]
`;

before(async () => {
  await buildImage('apps/todo/web/Dockerfile', IMAGE);
  await loadImage(IMAGE);
  console.log(`# image size todo-web: ${((await imageSize(IMAGE)) / 1e6).toFixed(1)} MB`);
  await kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=180s']);
  await kubectl(['apply', '-f', '-'], manifest);
  await kubectl(['-n', NS, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=180s']);
  base = `http://${await nodeIP()}:${NODE_PORT}`;
  await eventually('the NodePort answers', async () => (await httpRequest(`${base}/healthz`)).status === 200);
});

after(async () => {
  await kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
});

test('the image runs as uid 101 on a read-only root in a restricted namespace, and is healthy', async () => {
  const pod = JSON.parse(await kubectl(['-n', NS, 'get', 'pod', 'web', '-o', 'json'])) as {
    status: { containerStatuses: { ready: boolean; restartCount: number }[] };
  };
  assert.equal(pod.status.containerStatuses[0]?.ready, true);
  assert.equal(pod.status.containerStatuses[0]?.restartCount, 0);
  assert.match(await kubectl(['-n', NS, 'exec', 'web', '--', 'id', '-u']), /^101$/);
  const write = await run(KUBECTL, ['-n', NS, 'exec', 'web', '--', 'sh', '-c', 'echo x > /usr/share/nginx/html/x'], {
    allowFailure: true,
  });
  assert.notEqual(write.code, 0, 'the root filesystem refuses writes');
});

test('index.html is never cached and carries the strict Content-Security-Policy', async () => {
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const html = await page.text();
  assert.match(html, /<div id="root">/);
  const script = /\/assets\/[^"]+\.js/.exec(html)?.[0];
  assert.ok(script, 'the page loads a hashed script');
  const asset = await fetch(`${base}${script}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(asset.status, 200);
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(asset.headers.get('content-encoding'), 'gzip');
});

test('a missing asset is a 404, and an app path is the app', async () => {
  assert.equal((await fetch(`${base}/assets/missing-0000.js`)).status, 404);
  const deepLink = await fetch(`${base}/tasks/42`);
  assert.equal(deepLink.status, 200);
  assert.match(await deepLink.text(), /<div id="root">/);
});

test('/api/ with no API pod behind its Service answers 503 as JSON, not an nginx page', async () => {
  const answer = await fetch(`${base}/api/tasks`);
  assert.equal(answer.status, 503);
  assert.match(answer.headers.get('content-type') ?? '', /application\/json/);
  assert.ok(typeof ((await answer.json()) as { error?: unknown }).error === 'string');
});
