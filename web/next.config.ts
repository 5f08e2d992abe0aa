import type { NextConfig } from 'next';

/**
 * The web UI is served by server/app.ts through a custom server (one process, one port
 * with the API), so `output: 'standalone'` is not an option.
 */
const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
