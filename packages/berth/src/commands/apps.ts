import { discoverApps } from '../apps/discover.ts';
import type { Context } from '../context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';

/** The apps berth found in the project: what `--app` and `berth up <app>` accept, and what each deploys. */
export async function apps(ctx: Context): Promise<ExitCode> {
  const { out } = ctx;
  const found = discoverApps(ctx.root());
  if (found.length === 0) {
    out.bad('no app descriptor (berth.app.json) in deploy/charts/*/');
    out.result({ apps: [] });
    return EXIT.ok;
  }
  for (const app of found) {
    out.line(`${app.name}  (${app.chart})`);
    out.line(`  components    ${app.components.join(', ')}; users reach ${app.entry}`);
    out.line(`  environments  ${Object.keys(app.environments).join(', ')}`);
    out.line(`  images        ${app.images.map((image) => `${image.name} (${image.dockerfile})`).join(', ')}`);
  }
  out.result({
    apps: found.map((app) => ({
      name: app.name,
      chart: app.chart,
      components: app.components,
      entry: app.entry,
      environments: Object.keys(app.environments),
      images: app.images.map((image) => ({ name: image.name, dockerfile: image.dockerfile })),
    })),
  });
  return EXIT.ok;
}
