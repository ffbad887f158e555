import path from 'node:path';
import type { Config } from '../../src/config.js';
import type { FeedSettings } from './ingest-feeds.js';
import { createAudioTranscriber } from './transcribe-audio.js';
import { transcriptCacheDir } from './transcript-cache.js';

/** How `npm run ingest` and the server read feeds: ALLOW_PRIVATE_URLS, and TRANSCRIBE_* when set. */
export function feedSettingsFromConfig(
  config: Pick<Config, 'indexDir' | 'allowPrivateUrls' | 'transcription'>,
): FeedSettings {
  const cacheDir = transcriptCacheDir(config.indexDir);
  const fetch = { allowPrivate: config.allowPrivateUrls };
  return {
    fetch,
    cacheDir,
    transcriber: config.transcription
      ? createAudioTranscriber({ config: config.transcription, fetch, workDir: path.join(cacheDir, 'audio') })
      : undefined,
  };
}
