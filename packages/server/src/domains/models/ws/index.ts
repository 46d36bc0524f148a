/** The hub's WebSocket, `/api/v1/ws`. */
export { wsRoute } from './ws-route.js';
export { WS_AUTH_TIMEOUT_MS, WsSession } from './ws-session.js';
