/**
 * The test matrix: the proxy suite runs once as configured by default (native server, native
 * upstream transport) and once on the portable pair (`node:http` server, undici pools), chosen by
 * the vitest project through WAKEGATE_TEST_ENGINE and WAKEGATE_TEST_TRANSPORT.
 */
export function withMatrix(config: Record<string, unknown>): Record<string, unknown> {
  const transport = process.env.WAKEGATE_TEST_TRANSPORT;
  const engine = process.env.WAKEGATE_TEST_ENGINE;
  return {
    ...config,
    ...(transport !== undefined && { forward: { transport, ...(config.forward as object | undefined) } }),
    ...(engine !== undefined && { server: { engine, ...(config.server as object | undefined) } }),
  };
}
