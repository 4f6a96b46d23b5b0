// require('weft') from CommonJS (Node's require of an ES module, >= 20.19).
const { createWeft } = require('weft');
createWeft().then((w) => w.run('sleep_then', 2)).then((v) => console.log(`required ${v}`));
