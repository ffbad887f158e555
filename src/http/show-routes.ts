import { Router } from 'express';
import { PodciteError } from '../errors.js';
import { type AppDependencies, servingNow } from './app-dependencies.js';
import { addShowRequestSchema, parseBody } from './request-schemas.js';
import type { ShowResponse, ShowsResponse } from './response-schemas.js';

/**
 * `/api/shows`: the library of shows, adding one by its feed (ingested in the background, one at a
 * time) and the progress of that ingest. Mounted inside the `/api` router.
 */
export function createShowRouter(dependencies: AppDependencies): Router {
  const router = Router();

  router.get('/shows', (_request, response) => {
    const { index } = servingNow(dependencies);
    const counts = new Map<string, number>();
    for (const episode of index.manifest.episodes) {
      if (episode.showId) counts.set(episode.showId, (counts.get(episode.showId) ?? 0) + 1);
    }
    const body: ShowsResponse = {
      shows: (index.manifest.shows ?? []).map((show) => ({
        showId: show.showId,
        title: show.title,
        feedUrl: show.feedUrl,
        episodes: counts.get(show.showId) ?? 0,
        lastRefreshed: show.lastRefreshed,
        author: show.author,
        image: show.image,
      })),
    };
    response.json(body);
  });

  router.post('/shows', async (request, response) => {
    const body = parseBody({ schema: addShowRequestSchema, body: request.body, name: 'shows' });
    if (!dependencies.showIngests) {
      throw new PodciteError(
        'unavailable:shows',
        'This server does not ingest feeds; use npm run ingest -- <feed URL>.',
      );
    }
    const status = await dependencies.showIngests.add(body.feedUrl);
    response
      .status(202)
      .location(`/api/shows/${encodeURIComponent(status.showId)}`)
      .json(status);
  });

  router.get('/shows/:showId', (request, response) => {
    const { showId } = request.params;
    const { index } = servingNow(dependencies);
    const show = index.manifest.shows?.find((entry) => entry.showId === showId);
    const ingest = dependencies.showIngests?.status(showId);
    if (!show && !ingest) {
      throw new PodciteError('not_found:show', `No show "${showId.slice(0, 200)}" in the library.`);
    }
    const body: ShowResponse = {
      showId,
      show: show
        ? {
            title: show.title,
            feedUrl: show.feedUrl,
            author: show.author,
            image: show.image,
            lastRefreshed: show.lastRefreshed,
            episodes: index.manifest.episodes.filter((episode) => episode.showId === showId).length,
          }
        : null,
      ingest: ingest ?? null,
    };
    response.json(body);
  });

  return router;
}
