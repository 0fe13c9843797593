// A kong-pdk plugin, unchanged: CommonJS (see package.json), a `Plugin` class with phase
// methods, and Schema/Version/Priority exports. Kong calls it `js-hello` (the file name).
class Plugin {
  constructor(config) {
    this.config = config;
  }

  async access(kong) {
    const host = await kong.request.getHeader('host');
    await kong.response.setHeader('x-hello', `${this.config.message} ${host}`);
  }
}

module.exports = { Plugin, Schema: [{ message: { type: 'string' } }], Version: '0.1.0', Priority: 0 };
