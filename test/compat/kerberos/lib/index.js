'use strict';
// The shim: mongodb-js/kerberos's tests require('../lib/index'), and the MongoDB driver
// require('kerberos'); both get gssapi-ts/kerberos (the CommonJS build).
module.exports = require('../../../../dist/cjs/kerberos/index.js');
