/** An opsdeck.yaml that names no cluster, repository or log group: the bot needs no backend SDK at all. */
export const BARE_CONFIG = `
environments:
  prod: {}
services:
  api:
    description: Deployed by hand
roles:
  sre:
    members: [U0BOB]
    allow: ["*"]
`;
