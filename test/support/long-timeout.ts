// Integration and e2e tests start real servers and browsers on a 2-core CI machine.
jest.setTimeout(120_000);
