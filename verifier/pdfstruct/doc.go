// Package pdfstruct is a careful, bounded reader of PDF file structure, made
// for signature verification rather than rendering.
//
// It reads the header, the startxref pointer, classic cross-reference tables
// and cross-reference streams, follows /Prev (and /XRefStm) chains, and
// resolves objects on demand, including objects inside object streams. Every
// incremental revision of the file is listed with the byte offset where it
// ends, so a caller can tell which revision a signature's byte range signed
// and which objects were changed by later revisions.
//
// Contract and limits:
//   - Open never panics and never loops without bound: the file size, the
//     number of objects, nesting depth, cross-reference sections, decoded
//     stream sizes and compression ratios are capped (Limits), and the
//     context bounds the time spent.
//   - Only FlateDecode (with PNG predictors) is decoded, which is what
//     cross-reference and object streams need. Content streams are never
//     decoded. Encrypted documents are read structurally only: strings and
//     streams stay encrypted, so object streams of such files fail to
//     decode.
//   - When the cross-reference information is missing or broken, the
//     objects are recovered by scanning the file for "N G obj" headers.
//     The File says so (Repaired) and callers must report it.
//   - Strings read directly from the file keep their byte offsets
//     (String.Start, String.End), which signature checks need.
//   - Objects are shared, not copied: a File hands out the same object on
//     every call, and common names, small integers and references are
//     boxed once for all files. Callers must not modify them.
//   - A File is not safe for concurrent use.
//
// Errors are wrapped sentinels: ErrMalformed, ErrTooLarge, ErrLimit,
// ErrUnsupported, checked with errors.Is.
package pdfstruct
