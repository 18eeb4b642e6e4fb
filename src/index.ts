export { MINOR, type MinorName, minorMessage, minorName } from './gssapi/minor.js';
export * from './gssapi/status.js';
