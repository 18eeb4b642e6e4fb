export { MINOR, minorName } from './gssapi/minor.js';
export * from './gssapi/status.js';
