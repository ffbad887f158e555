import { startPageServer } from '../support/browser.js';
import { CHAT_PAGE_CHUNKS, CHAT_PAGE_EPISODES } from './chat-page-fixture.js';
const server = await startPageServer({ chunks: CHAT_PAGE_CHUNKS, episodes: CHAT_PAGE_EPISODES });
console.log(server.url);
setInterval(() => {}, 1 << 30);
