// A real OpenID Connect provider for the browser tests: panva's oidc-provider, with
// its development sign-in pages (any login name, no password) and the accounts and
// clients the test passes as JSON in OIDC_TEST_CONFIG:
//   {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//    "accounts": {"<login>": {"email": "...", "email_verified": true}}}
// It listens on a free loopback port and prints "issuer <url>" once it is ready.
import http from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || "{}");
const accounts = config.accounts || {};

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: (config.clients || []).map((client) => ({
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
      ...client,
    })),
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    async findAccount(ctx, sub) {
      const claims = accounts[sub];
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...claims }) };
    },
    pkce: { required: () => true },
    cookies: { keys: ["browser-test-only-not-secret"] },
  });
  provider.on("server_error", (ctx, error) => console.error("server_error", error));
  server.on("request", provider.callback());
  console.log(`issuer ${issuer}`);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
