// Progressive delivery in both charts (templates/delivery.yaml): the green
// track is the blue API Deployment with its own name, track, image and
// version; /api is split by the weights berth sets; the API Service follows
// the live track. The shared checks (hardened pods, kube-score) run on these
// values through chart-matrix.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type K8sObject, renderChart } from '@berth/testkit';

const CHARTS = [
  { chart: 'names', api: 'names-api', host: 'names.local' },
  { chart: 'todo', api: 'todo-api', host: 'todo.local' },
] as const;

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

for (const { chart, api, host } of CHARTS) {
  const path = fileURLToPath(new URL(`./${chart}`, import.meta.url));
  const render = (set: Record<string, string>) =>
    renderChart(path, { release: 'r', set: { 'api.image.tag': 'v1', 'delivery.enabled': 'true', ...set } });
  const deploymentName = `r-${api}`;

  describe(`${chart} chart: delivery`, () => {
    test('the green track is the blue Deployment with its own name, track label, image tag and APP_VERSION', async () => {
      const objects = await render({ 'delivery.green.tag': 'v2', 'delivery.weight': '30' });
      const blue = find(objects, 'Deployment', deploymentName);
      const green = find(objects, 'Deployment', `${deploymentName}-green`);
      assert.ok(blue && green);
      assert.equal(blue.spec.template.metadata.labels['berth.dev/track'], 'blue');
      assert.equal(green.spec.template.metadata.labels['berth.dev/track'], 'green');
      assert.equal(green.spec.selector.matchLabels['berth.dev/track'], 'green');
      const [blueApi, greenApi] = [blue, green].map((d) => d.spec.template.spec.containers[0]);
      assert.match(blueApi.image, /:v1$/);
      assert.match(greenApi.image, /:v2$/);
      const version = (c: { env: { name: string; value?: string }[] }) =>
        c.env.find((e) => e.name === 'APP_VERSION')?.value;
      assert.equal(version(blueApi), 'v1');
      assert.equal(version(greenApi), 'v2');
      // Everything else about the pod is the same: probes, security, resources, the rest of the environment.
      const rest = (c: Record<string, unknown>) => ({
        ...c,
        image: '',
        env: (c.env as { name: string }[]).filter((e) => e.name !== 'APP_VERSION'),
      });
      assert.deepEqual(rest(greenApi), rest(blueApi));
      assert.deepEqual(green.spec.template.spec.securityContext, blue.spec.template.spec.securityContext);
      assert.ok(green.spec.replicas >= 1, 'a green track with a tag runs pods');
    });

    test('without a green tag the green track runs no pods; delivery off renders none of it', async () => {
      const idle = await render({});
      assert.equal(find(idle, 'Deployment', `${deploymentName}-green`)?.spec.replicas, 0);
      const off = await renderChart(path, { release: 'r' });
      assert.equal(find(off, 'Deployment', `${deploymentName}-green`), undefined);
      assert.equal(find(off, 'Service', `r-${api}`)?.spec.selector['berth.dev/track'], undefined);
      assert.equal(
        off.filter((o) => o.apiVersion?.startsWith('traefik.io/')).length,
        0,
        'no Traefik objects unless delivery is on',
      );
    });

    test('Traefik splits /api by weight, leaves a 0 % track out, and the track header reaches either track', async () => {
      const canary = await render({ 'delivery.green.tag': 'v2', 'delivery.weight': '30' });
      const split = find(canary, 'TraefikService', `r-${api}-tracks`);
      assert.deepEqual(
        split?.spec.weighted.services.map((s: { name: string; weight: number }) => [s.name, s.weight]),
        [
          [`r-${api}-blue`, 70],
          [`r-${api}-green`, 30],
        ],
      );
      const route = find(canary, 'IngressRoute', `r-${api}-delivery`);
      const rules = route?.spec.routes.map((r: { match: string }) => r.match) as string[];
      assert.ok(rules.includes(`Host(\`${host}\`) && PathPrefix(\`/api\`) && Header(\`X-Berth-Track\`, \`green\`)`));
      assert.ok(rules.includes(`Host(\`${host}\`) && PathPrefix(\`/api\`)`));
      assert.equal(
        find(canary, 'Service', `r-${api}`)?.spec.selector['berth.dev/track'],
        'blue',
        'the API Service serves the live track',
      );

      const idle = await render({ 'delivery.green.tag': 'v2', 'delivery.weight': '0' });
      assert.deepEqual(
        find(idle, 'TraefikService', `r-${api}-tracks`)?.spec.weighted.services.map((s: { name: string }) => s.name),
        [`r-${api}-blue`],
      );
    });

    test('promoted (candidate at 100 %), the API Service and the split follow the candidate; a blue candidate works the same', async () => {
      const promoted = await render({ 'delivery.green.tag': 'v2', 'delivery.weight': '100' });
      assert.equal(find(promoted, 'Service', `r-${api}`)?.spec.selector['berth.dev/track'], 'green');
      assert.deepEqual(
        find(promoted, 'TraefikService', `r-${api}-tracks`)?.spec.weighted.services.map(
          (s: { name: string }) => s.name,
        ),
        [`r-${api}-green`],
      );
      const blueCandidate = await render({
        'delivery.green.tag': 'v2',
        'delivery.candidate': 'blue',
        'delivery.weight': '30',
      });
      assert.equal(find(blueCandidate, 'Service', `r-${api}`)?.spec.selector['berth.dev/track'], 'green');
      assert.deepEqual(
        find(blueCandidate, 'TraefikService', `r-${api}-tracks`)?.spec.weighted.services.map(
          (s: { name: string; weight: number }) => [s.name, s.weight],
        ),
        [
          [`r-${api}-blue`, 30],
          [`r-${api}-green`, 70],
        ],
      );
    });

    test('ingress-nginx: a canary Ingress with the weight and the track header, only while the candidate is not live', async () => {
      const nginx = { 'delivery.ingress.provider': 'nginx', 'delivery.green.tag': 'v2' };
      const canary = await render({ ...nginx, 'delivery.weight': '30' });
      const ingress = find(canary, 'Ingress', `r-${api}-canary`);
      assert.deepEqual(ingress?.metadata.annotations, {
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '30',
        'nginx.ingress.kubernetes.io/canary-by-header': 'X-Berth-Track',
        'nginx.ingress.kubernetes.io/canary-by-header-value': 'green',
      });
      assert.equal(ingress?.spec.rules[0].http.paths[0].backend.service.name, `r-${api}-green`);
      assert.equal(canary.filter((o) => o.apiVersion?.startsWith('traefik.io/')).length, 0);
      const promoted = await render({ ...nginx, 'delivery.weight': '100' });
      assert.equal(find(promoted, 'Ingress', `r-${api}-canary`), undefined);
    });

    test('the ingress controller may reach both API tracks when NetworkPolicies are on', async () => {
      const objects = await render({ 'delivery.green.tag': 'v2' });
      const admitsTraefik = objects
        .filter((o) => o.kind === 'NetworkPolicy')
        .filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'api')
        .flatMap((p) => p.spec.ingress ?? [])
        .flatMap((rule: { from?: { podSelector?: { matchLabels?: Record<string, string> } }[] }) => rule.from ?? [])
        .some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'traefik');
      assert.ok(admitsTraefik);
      for (const track of ['blue', 'green']) {
        const labels = find(objects, 'Deployment', track === 'blue' ? deploymentName : `${deploymentName}-green`)?.spec
          .template.metadata.labels;
        assert.equal(labels['app.kubernetes.io/component'], 'api', `${track} pods keep the API's policy labels`);
      }
    });
  });
}
