// Preloaded into @automerge/automerge-repo-sync-server (`node --require`): its `app.listen(PORT)`
// would listen on every interface; the benchmark keeps servers on 127.0.0.1. Nothing else changes.
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if ((typeof args[0] === "number" || typeof args[0] === "string") && typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  return listen.apply(this, args);
};
