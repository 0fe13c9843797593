'use strict';
// The benchmark plugin: three PDK calls per access event, as a typical header plugin makes.
class Plugin {
  constructor(config) {
    this.config = config;
  }

  async access(kong) {
    const host = await kong.request.getHeader('host');
    const path = await kong.request.getPath();
    await kong.response.setHeader('x-bench', `${host}${path}`);
  }
}

module.exports = { Plugin, Schema: [], Version: '1.0.0', Priority: 0 };
