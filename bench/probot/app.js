// The peer of the intake benchmark: a minimal Probot app that verifies webhook signatures
// (Probot's own middleware, @octokit/webhooks underneath) and does nothing else.
const http = require("http");
const { Probot, createNodeMiddleware } = require("probot");

const probot = new Probot({
  appId: 1,
  privateKey: require("fs").readFileSync(process.env.BENCH_PRIVATE_KEY, "utf8"),
  secret: process.env.BENCH_SECRET,
  logLevel: "fatal",
});
const middleware = createNodeMiddleware(() => {}, { probot, webhooksPath: "/webhooks/github" });
http.createServer(middleware).listen(Number(process.env.BENCH_PORT), "127.0.0.1", () => {
  console.log(`probot listening on ${process.env.BENCH_PORT}`);
});
