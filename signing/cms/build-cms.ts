import { sign as cryptoSign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SigningCredential } from '../pki/credential.js';
import { OID } from '../pki/oids.js';
import { signingCertificateV2 } from './ess.js';

export interface CadesInput {
  credential: SigningCredential;
  /** SHA-256 over the PDF's ByteRanges. */
  contentDigest: Uint8Array;
  /** Returns an RFC 3161 TimeStampToken (ContentInfo DER) over the signature value, for B-T. */
  timestamp?: (signatureValue: Uint8Array) => Promise<Uint8Array>;
}

const sha256Alg = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 });

/**
 * A CAdES detached SignedData for PAdES B-B (or B-T with a time-stamp): signed attributes are
 * exactly content-type, message-digest and one signing-certificate-v2. No signing-time: in PAdES
 * the claimed time is the dictionary's /M, and a second, unauthenticated clock would only conflict.
 */
export async function buildCadesSignature(input: CadesInput): Promise<Uint8Array> {
  const [signer] = input.credential.chain;
  if (!signer) throw new Error('credential has no signer certificate');
  const attrs = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: input.contentDigest.slice().buffer })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(signer)] }),
  ];
  // DER: the SET OF attributes is ordered by encoding; the signed bytes and the [0] field must agree.
  const encoded = attrs.map((a) => ({ a, der: Buffer.from(a.toSchema().toBER()) }));
  encoded.sort((x, y) => Buffer.compare(x.der, y.der));
  const sorted = encoded.map((e) => e.a);
  const toSign = Buffer.from(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER());

  const key = input.credential.privateKey;
  const isEc = key.asymmetricKeyType === 'ec';
  const signature = cryptoSign('sha256', toSign, key);
  const signatureAlgorithm = isEc
    ? new pkijs.AlgorithmIdentifier({ algorithmId: OID.ecdsaWithSha256 })
    : new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() });

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.pkijs.issuer, serialNumber: signer.pkijs.serialNumber }),
    digestAlgorithm: sha256Alg(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
    signatureAlgorithm,
    signature: new asn1js.OctetString({ valueHex: new Uint8Array(signature).buffer }),
  });
  if (input.timestamp) {
    const token = await input.timestamp(new Uint8Array(signature));
    const parsed = asn1js.fromBER(new Uint8Array(token));
    if (parsed.offset === -1) throw new Error('time-stamp token is not DER');
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [parsed.result] })],
    });
  }
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256Alg()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: input.credential.chain.map((c) => pkijs.Certificate.fromBER(c.der)),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER());
}
