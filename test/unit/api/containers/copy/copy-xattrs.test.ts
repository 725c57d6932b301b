import { archivedCapability } from '../../../../../src/api/containers/copy/copy-xattrs';

describe('archivedCapability (moby ReadSecurityXattrToTarHeader)', () => {
  const v2 = Buffer.from([1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

  it('keeps a revision 2 value as it is', () => {
    expect(archivedCapability(v2)).toEqual(v2);
  });

  it('turns a revision 3 value (with a namespace root uid) into revision 2, without the uid', () => {
    const v3 = Buffer.concat([Buffer.from([1, 0, 0, 3]), v2.subarray(4), Buffer.from([0xe8, 0x03, 0, 0])]);
    const archived = archivedCapability(v3);
    expect(archived).toEqual(v2);
    expect(v3[3]).toBe(3); // the value read is not changed in place
  });

  it('leaves a short or foreign value alone', () => {
    expect(archivedCapability(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 2]));
  });
});
