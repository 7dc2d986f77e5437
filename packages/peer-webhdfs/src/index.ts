export { startWebHdfsPeer, SUPERUSER, SUPERGROUP, NAMESERVICE } from './server.js';
export type { WebHdfsPeer, WebHdfsPeerOptions } from './server.js';
