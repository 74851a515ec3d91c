package verifier

import (
	"fmt"

	"sihub/verifier/pdfstruct"
)

// readByteRange returns the /ByteRange as four integers, or an error
// saying why it is unusable.
func readByteRange(d *document, dict pdfstruct.Dict) ([4]int64, error) {
	var br [4]int64
	arr, ok := d.resolve(dict["ByteRange"]).(pdfstruct.Array)
	if !ok {
		return br, fmt.Errorf("/ByteRange is missing or not an array")
	}
	if len(arr) != 4 {
		return br, fmt.Errorf("/ByteRange has %d elements, not 4", len(arr))
	}
	for i, x := range arr {
		n, ok := x.(pdfstruct.Int)
		if !ok || n < 0 {
			return br, fmt.Errorf("/ByteRange element %d is not a non-negative integer", i)
		}
		br[i] = int64(n)
	}
	return br, nil
}

// byteRangeEnd returns where the byte range ends, or -1.
func byteRangeEnd(d *document, dict pdfstruct.Dict) int64 {
	br, err := readByteRange(d, dict)
	if err != nil || br[2] > 1<<62 || br[3] > 1<<62 {
		return -1
	}
	return br[2] + br[3]
}

// checkByteRange validates the byte range of a signature dictionary
// against the file and returns it with the decoded /Contents. The gap must
// be exactly this dictionary's /Contents hex string as it sits in the file,
// and the range must end where a revision ends.
func checkByteRange(d *document, dict pdfstruct.Dict) (br [4]int64, contents []byte, err error) {
	br, err = readByteRange(d, dict)
	if err != nil {
		return br, nil, err
	}
	size := int64(len(d.data))
	if br[0] != 0 {
		return br, nil, fmt.Errorf("/ByteRange starts at %d, not 0", br[0])
	}
	if br[1] >= br[2] {
		return br, nil, fmt.Errorf("/ByteRange ranges overlap or are out of order")
	}
	if br[2] > size || br[3] > size-br[2] {
		return br, nil, fmt.Errorf("/ByteRange ends at %d, beyond the end of the file (%d bytes)", br[2]+br[3], size)
	}
	c, ok := dict["Contents"].(pdfstruct.String)
	if !ok {
		return br, nil, fmt.Errorf("/Contents is missing, indirect or not a string")
	}
	if !c.Hex || c.Start < 0 {
		return br, nil, fmt.Errorf("/Contents is not a hex string stored directly in the file")
	}
	if c.Start != br[1] || c.End != br[2] {
		return br, nil, fmt.Errorf("the /ByteRange gap [%d, %d) is not this dictionary's /Contents [%d, %d)", br[1], br[2], c.Start, c.End)
	}
	if d.data[br[1]] != '<' || d.data[br[2]-1] != '>' {
		return br, nil, fmt.Errorf("the /ByteRange gap is not delimited by < and >")
	}
	if !d.f.IsRevisionEnd(br[2] + br[3]) {
		return br, nil, fmt.Errorf("/ByteRange ends at %d, which is not the end of a revision", br[2]+br[3])
	}
	return br, c.Value, nil
}
