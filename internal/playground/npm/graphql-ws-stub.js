// @graphiql/toolkit loads the optional peer "graphql-ws" with a dynamic import
// only when a subscriptionUrl is configured. The playground never configures
// one (subscriptions over websockets are not offered), so the bundle resolves
// the import to this stub instead of a package that is not installed.
export function createClient() {
  throw new Error('playground: websocket subscriptions are not supported');
}
