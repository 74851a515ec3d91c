package verifier

import "sihub/verifier/pdfstruct"

// certificationLevel returns the DocMDP permission level P (1, 2 or 3) of
// a certification signature dictionary (a /Reference entry with
// /TransformMethod /DocMDP), or 0 when dict is not one. A missing or
// out-of-range /P counts as 2, the default.
func certificationLevel(d *document, dict pdfstruct.Dict) int {
	refs, _ := d.resolve(dict["Reference"]).(pdfstruct.Array)
	for i, o := range refs {
		if i >= 8 {
			break
		}
		ref, _ := d.resolve(o).(pdfstruct.Dict)
		if m, _ := ref.Name("TransformMethod"); m != "DocMDP" {
			continue
		}
		params, _ := d.resolve(ref["TransformParams"]).(pdfstruct.Dict)
		p, ok := params.Int("P")
		if !ok || p < 1 || p > 3 {
			return 2
		}
		return int(p)
	}
	return 0
}
