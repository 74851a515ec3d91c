package verifier

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteText writes the report for a person at a terminal: the verdict
// first, then each signature and problem (the command-line verifiers'
// output without --json).
func (r *Report) WriteText(w io.Writer) {
	if r.Valid {
		fmt.Fprintln(w, "VALID: every signature is intact, trusted and covers the document.")
	} else {
		fmt.Fprintln(w, "NOT VALID: do not trust this document.")
	}
	if d := r.Document; d.Code != "" {
		fmt.Fprintf(w, "document  number %s  code %s  registry %s\n", d.Number, d.Code, d.RegistryStatus)
	}
	for _, p := range r.Errors {
		fmt.Fprintf(w, "  error %s: %s\n", p.Code, p.Message)
	}
	for i, s := range r.Signatures {
		state := "valid"
		if !s.Valid {
			state = "NOT valid"
		}
		fmt.Fprintf(w, "signature %d (%s) %s\n", i+1, s.Field, state)
		fmt.Fprintf(w, "  algorithm %s  signer %q  level %s\n", s.Algorithm, s.Signer, s.Level)
		if s.SignedAt != nil {
			fmt.Fprintf(w, "  signed at %s\n", s.SignedAt.Format("2006-01-02 15:04:05 -0700"))
		}
		fmt.Fprintf(w, "  covers whole document %v, chain trusted %v, modified after signing %v\n",
			s.CoversWholeDocument, s.ChainTrusted, s.ModifiedAfterSigning)
		for _, p := range s.Errors {
			fmt.Fprintf(w, "  error %s: %s\n", p.Code, p.Message)
		}
	}
}

// Print writes the report as indented JSON (the command-line verifiers'
// --json) or as WriteText does.
func (r *Report) Print(w io.Writer, asJSON bool) error {
	if !asJSON {
		r.WriteText(w)
		return nil
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
