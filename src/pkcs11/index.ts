/**
 * jwtkit/pkcs11: keys in a PKCS#11 token (an HSM, a smart card, SoftHSM2) as external keys. Needs
 * the optional peer dependency `pkcs11js` (a native addon).
 *
 * @module
 */

export {
  openPKCS11,
  type PKCS11GenerateOptions,
  type PKCS11KeyOptions,
  type PKCS11Options,
  type PKCS11Token,
} from './open.js';
export { type PKCS11URI, parsePKCS11URI } from './uri.js';
