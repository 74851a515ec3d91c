package sqlite

import (
	"encoding/json"
	"testing"

	"sihub/model"
)

var contributionSeeds = []string{
	`{"person_id":"110105199003071239","month":"2025-01","type":"pension","base":1234500,"employer":197520,"personal":98760,"paid":true,"unit_code":"91110105MA01ABCD2X"}`,
	`{"person_id":"p","month":"2025-02","type":"medical","base":0,"employer":0,"personal":0,"paid":false,"unit_code":""}`,
	` { "month" : "2025-03" , "base" : -5 , "paid" : true } `,
	`{}`,
	`{"Month":"2025-04"}`,
	`{"month":"a\"b"}`,
	`{"month":"\u4e2d"}`,
	`{"base":1.5}`,
	`{"base":1e3}`,
	`{"base":012}`,
	`{"base":99999999999999999999}`,
	`{"base":null}`,
	`{"paid":truex}`,
	`{"month":"2025-05","month":"2025-06"}`,
	`{"base":1,}`,
	`{"extra":1}`,
	"{\"month\":\"\xff\"}",
	`[]`,
	`null`,
}

// TestDecodeContributionMatchesEncodingJSON: every row json.Marshal writes
// takes the fast path, and every input decodes exactly as encoding/json
// decodes it (or fails where it fails).
func TestDecodeContributionMatchesEncodingJSON(t *testing.T) {
	c := model.Contribution{PersonID: "110105199003071239", Month: "2025-01", Type: "pension", Base: 1234500,
		Employer: -197520, Personal: 98760, Paid: true, UnitCode: "统一社会信用代码"}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var got model.Contribution
	var p jsonScan
	if !p.contribution(data, &got) || got != c {
		t.Fatalf("fast path on %s: %+v", data, got)
	}
	// One scanner over all seeds, as over the rows of one query.
	for _, s := range contributionSeeds {
		checkContribution(t, []byte(s), &p)
	}
	var probe model.Contribution
	for _, s := range []string{`{"Month":"x"}`, `{"month":"a\"b"}`, `{"base":1.5}`, `{"base":null}`} {
		if p.contribution([]byte(s), &probe) {
			t.Errorf("fast path took %s, which it must leave to encoding/json", s)
		}
	}
}

func checkContribution(t *testing.T, data []byte, p *jsonScan) {
	t.Helper()
	var want model.Contribution
	wantErr := json.Unmarshal(data, &want)
	var got model.Contribution
	err := decodeContribution(data, &got, p)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, encoding/json says %v", data, err, wantErr)
	}
	if err == nil && got != want {
		t.Fatalf("%q: %+v, encoding/json gives %+v", data, got, want)
	}
}

func FuzzDecodeContribution(f *testing.F) {
	for _, s := range contributionSeeds {
		f.Add([]byte(s))
	}
	var p jsonScan // shared, as across one query's rows
	f.Fuzz(func(t *testing.T, data []byte) {
		checkContribution(t, data, &p)
		checkContribution(t, data, nil)
	})
}
