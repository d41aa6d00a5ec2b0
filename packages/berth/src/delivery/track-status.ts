import type { V1Deployment } from '@kubernetes/client-node';
import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { selector } from '../release.ts';
import { readDelivery } from './release-values.ts';
import { type DeliveryState, liveTrack, TRACKS, type Track, weightOf } from './tracks.ts';

/** One track as `berth status` shows it: version, share of traffic, replicas. */
export interface TrackStatus {
  track: Track;
  version: string;
  weight: number;
  live: boolean;
  candidate: boolean;
  deployment: string;
  ready: number;
  desired: number;
}

/** Pure: the rows from the delivery state and the component's Deployments (by their pods' track label). */
export function trackRows(state: DeliveryState, deployments: V1Deployment[]): TrackStatus[] {
  return TRACKS.map((track) => {
    const deployment = deployments.find((d) => d.spec?.template?.metadata?.labels?.['berth.dev/track'] === track);
    return {
      track,
      version: state.tags[track],
      weight: weightOf(state, track),
      live: liveTrack(state) === track,
      candidate: state.candidate === track,
      deployment: deployment?.metadata?.name ?? '',
      ready: deployment?.status?.readyReplicas ?? 0,
      desired: deployment?.spec?.replicas ?? 0,
    };
  });
}

/** The tracks of a release with delivery on; undefined for an app or a release without it. */
export async function readTracks(ctx: Context, app: AppDefinition): Promise<TrackStatus[] | undefined> {
  if (!app.delivery) return undefined;
  const state = await readDelivery(ctx, app).catch(() => undefined);
  if (!state?.enabled) return undefined;
  const deployments = await ctx.kube().apps.listNamespacedDeployment({
    namespace: ctx.namespace(app),
    labelSelector: selector(ctx.release(app), app.delivery.component),
  });
  return trackRows(state, deployments.items);
}
