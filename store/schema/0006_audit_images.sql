-- Image changes stored compactly (ledger/audit_codec.go): a record of fmt 1 keeps its
-- before and after images in img_before and img_after (a tag byte, then the image as
-- JSON, deflated, a reference to an earlier record's after image, or a delta), and its
-- hash covers those bytes. Records of fmt 0 (all records before this version, and
-- events) keep before and after as JSON text. Earlier records are never rewritten.
ALTER TABLE audit_log ADD COLUMN fmt INTEGER NOT NULL DEFAULT 0 CHECK (fmt IN (0, 1));
ALTER TABLE audit_log ADD COLUMN img_before BLOB;
ALTER TABLE audit_log ADD COLUMN img_after BLOB;
