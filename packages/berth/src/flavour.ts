/**
 * Which kind of cluster this is, from the kube context and the nodes, and how
 * a locally built image reaches it. Pure functions: unit-tested on node
 * objects as each flavour reports them.
 */
export type Flavour = 'k3s' | 'minikube' | 'kind' | 'docker-desktop' | 'containerd' | 'other';
export const FLAVOURS: Flavour[] = ['k3s', 'minikube', 'kind', 'docker-desktop', 'containerd', 'other'];

export type Builder = 'docker' | 'podman' | 'buildah' | 'nerdctl';
export const BUILDERS: Builder[] = ['docker', 'podman', 'buildah', 'nerdctl'];

/** The parts of a V1Node flavour detection reads. */
export interface NodeFacts {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { providerID?: string };
  status?: { nodeInfo?: { kubeletVersion?: string; containerRuntimeVersion?: string; osImage?: string } };
}

export interface FlavourFacts {
  flavour: Flavour;
  /** Why: the evidence, for people. */
  because: string;
  /** kind cluster name or minikube profile, when known. */
  clusterName?: string;
  /** containerd, docker, cri-o ... from the first node. */
  runtime?: string;
}

export function detectFlavour(contextName: string | undefined, nodes: NodeFacts[]): FlavourFacts {
  const context = contextName ?? '';
  const node = nodes[0];
  const name = node?.metadata?.name ?? '';
  const labels = node?.metadata?.labels ?? {};
  const info = node?.status?.nodeInfo ?? {};
  const kubelet = info.kubeletVersion ?? '';
  const runtimeVersion = info.containerRuntimeVersion ?? '';
  const runtime = runtimeVersion.includes('://') ? runtimeVersion.slice(0, runtimeVersion.indexOf('://')) : undefined;
  const providerID = node?.spec?.providerID ?? '';
  const withRuntime = (facts: FlavourFacts): FlavourFacts => (runtime ? { ...facts, runtime } : facts);

  if (/\+k3s/.test(kubelet)) return withRuntime({ flavour: 'k3s', because: `kubelet version ${kubelet}` });
  if (labels['minikube.k8s.io/name']) {
    return withRuntime({
      flavour: 'minikube',
      because: `node label minikube.k8s.io/name=${labels['minikube.k8s.io/name']}`,
      clusterName: labels['minikube.k8s.io/name'],
    });
  }
  if (providerID.startsWith('kind://')) {
    const clusterName = providerID.split('/').at(-2) ?? (context.startsWith('kind-') ? context.slice(5) : 'kind');
    return withRuntime({ flavour: 'kind', because: `node providerID ${providerID}`, clusterName });
  }
  if (name === 'docker-desktop' || context === 'docker-desktop' || /Docker Desktop/i.test(info.osImage ?? '')) {
    return withRuntime({ flavour: 'docker-desktop', because: `node ${name || '?'} / context ${context || '?'}` });
  }
  // Context names when the nodes were not readable.
  if (context === 'minikube' || name === 'minikube') {
    return withRuntime({ flavour: 'minikube', because: `context ${context}`, clusterName: 'minikube' });
  }
  if (context.startsWith('kind-')) {
    return withRuntime({ flavour: 'kind', because: `context ${context}`, clusterName: context.slice(5) });
  }
  if (/(^|-)k3s(-|$)|k3d-/.test(context)) return withRuntime({ flavour: 'k3s', because: `context ${context}` });
  if (runtime === 'containerd') {
    return withRuntime({
      flavour: 'containerd',
      because: `plain containerd node (${runtimeVersion}, kubelet ${kubelet})`,
    });
  }
  return withRuntime({
    flavour: 'other',
    because: node ? `runtime ${runtimeVersion || 'unknown'}, kubelet ${kubelet || 'unknown'}` : 'no node readable',
  });
}

export interface Step {
  argv: string[];
  /** What the step does, for progress output. */
  what: string;
}

/** How the builder writes an image to an archive file. */
export function saveStep(builder: Builder, image: string, archive: string): Step {
  const argv: Record<Builder, string[]> = {
    docker: ['docker', 'save', '-o', archive, image],
    podman: ['podman', 'save', '--format', 'docker-archive', '-o', archive, image],
    buildah: ['buildah', 'push', image, `docker-archive:${archive}:${image}`],
    nerdctl: ['nerdctl', 'save', '-o', archive, image],
  };
  return { argv: argv[builder], what: `save ${image} to ${archive}` };
}

/**
 * The steps that make a locally built image available to the cluster's
 * runtime, without a registry. `archive` is a temporary file path. Throws
 * when the flavour has no local import path (push to a registry instead).
 */
/** minikube and kind read docker's image store directly; from any other builder they load a saved archive. */
function loadDirectOrFromArchive(
  builder: Builder,
  image: string,
  archive: string,
  what: string,
  argv: { direct: string[]; fromArchive: string[] },
): Step[] {
  return builder === 'docker'
    ? [{ argv: argv.direct, what }]
    : [saveStep(builder, image, archive), { argv: argv.fromArchive, what }];
}

export function importSteps(facts: FlavourFacts, builder: Builder, image: string, archive: string): Step[] {
  switch (facts.flavour) {
    case 'k3s':
      return [
        saveStep(builder, image, archive),
        { argv: ['k3s', 'ctr', '-n', 'k8s.io', 'images', 'import', archive], what: `import ${image} into k3s` },
      ];
    case 'containerd':
      return [
        saveStep(builder, image, archive),
        { argv: ['ctr', '-n', 'k8s.io', 'images', 'import', archive], what: `import ${image} into containerd` },
      ];
    case 'minikube': {
      const profile = ['-p', facts.clusterName ?? 'minikube'];
      return loadDirectOrFromArchive(builder, image, archive, `load ${image} into minikube`, {
        direct: ['minikube', 'image', 'load', image, ...profile],
        fromArchive: ['minikube', 'image', 'load', archive, ...profile],
      });
    }
    case 'kind': {
      const name = ['--name', facts.clusterName ?? 'kind'];
      return loadDirectOrFromArchive(builder, image, archive, `load ${image} into kind`, {
        direct: ['kind', 'load', 'docker-image', image, ...name],
        fromArchive: ['kind', 'load', 'image-archive', archive, ...name],
      });
    }
    case 'docker-desktop':
      if (builder === 'docker') return []; // the cluster uses docker's own image store
      return [
        saveStep(builder, image, archive),
        { argv: ['docker', 'load', '-i', archive], what: `load ${image} into Docker Desktop` },
      ];
    case 'other':
      throw new Error(
        `no known way to import images into this cluster (${facts.because}): push them with --registry <registry>, or pass --loader <program>`,
      );
  }
}

/** The import command shown to people (doctor's fix for an image missing on the node). */
export function importHint(facts: FlavourFacts, image: string): string {
  switch (facts.flavour) {
    case 'k3s':
      return `docker save ${image} | sudo k3s ctr -n k8s.io images import -   (or: berth up)`;
    case 'containerd':
      return `docker save ${image} | sudo ctr -n k8s.io images import -   (or: berth up)`;
    case 'minikube':
      return `minikube image load ${image} -p ${facts.clusterName ?? 'minikube'}   (or: berth up)`;
    case 'kind':
      return `kind load docker-image ${image} --name ${facts.clusterName ?? 'kind'}   (or: berth up)`;
    case 'docker-desktop':
      return `docker build -t ${image} .   (Docker Desktop's Kubernetes sees docker's images)`;
    case 'other':
      return `push ${image} to a registry the cluster can pull from (berth up --registry <registry>) and set imagePullPolicy IfNotPresent`;
  }
}

/** The build command of a builder, from the project root. */
export function buildStep(builder: Builder, dockerfile: string, image: string, extra: string[], context = '.'): Step {
  const verb = builder === 'buildah' ? ['bud'] : ['build'];
  return {
    argv: [builder, ...verb, ...extra, '-f', dockerfile, '-t', image, context],
    what: `build ${image}`,
  };
}

/** k3s/ctr talk to the node's containerd socket, which needs root: prefix sudo for other users (POSIX only). */
export function withPrivilege(step: Step, uid: number | undefined): Step {
  const needsRoot = step.argv[0] === 'k3s' || step.argv[0] === 'ctr';
  return needsRoot && uid !== undefined && uid !== 0 ? { ...step, argv: ['sudo', ...step.argv] } : step;
}
