package pdfstruct

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
)

// Decode returns the decoded data of a stream. Only FlateDecode (with PNG
// predictors) and unfiltered streams are supported; sizes are capped by the
// File's Limits.
func (f *File) Decode(s *Stream) ([]byte, error) {
	filters, params, err := f.filterChain(s.Dict)
	if err != nil {
		return nil, err
	}
	data := s.Raw
	for i, name := range filters {
		switch name {
		case "FlateDecode", "Fl":
			data, err = f.inflate(data)
			if err != nil {
				return nil, err
			}
			data, err = unpredict(data, f.resolveDict(params[i]))
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%w: stream filter %s", ErrUnsupported, name)
		}
	}
	return data, nil
}

func (f *File) filterChain(d Dict) ([]Name, []Object, error) {
	var names []Name
	var params []Object
	switch v := f.resolveQuiet(d["Filter"]).(type) {
	case nil, Null:
		return nil, nil, nil
	case Name:
		names = []Name{v}
		params = []Object{d["DecodeParms"]}
	case Array:
		if len(v) > 4 {
			return nil, nil, fmt.Errorf("%w: %d stream filters", ErrUnsupported, len(v))
		}
		dp, _ := f.resolveQuiet(d["DecodeParms"]).(Array)
		for i, x := range v {
			n, ok := f.resolveQuiet(x).(Name)
			if !ok {
				return nil, nil, fmt.Errorf("%w: filter is not a name", ErrMalformed)
			}
			names = append(names, n)
			if i < len(dp) {
				params = append(params, dp[i])
			} else {
				params = append(params, nil)
			}
		}
	default:
		return nil, nil, fmt.Errorf("%w: bad /Filter", ErrMalformed)
	}
	return names, params, nil
}

func (f *File) resolveDict(o Object) Dict {
	d, _ := f.resolveQuiet(o).(Dict)
	return d
}

// inflate decompresses zlib data within the stream and file budgets.
func (f *File) inflate(in []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(in))
	if err != nil {
		return nil, fmt.Errorf("%w: flate: %v", ErrMalformed, err)
	}
	defer zr.Close()
	max := f.lim.MaxStreamDecoded
	if left := f.lim.MaxTotalDecoded - f.decoded; left < max {
		max = left
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(zr, max+1))
	if n > max {
		return nil, fmt.Errorf("%w: decoded stream larger than %d bytes", ErrLimit, max)
	}
	if err != nil && !(errors.Is(err, io.ErrUnexpectedEOF) && n > 0) {
		return nil, fmt.Errorf("%w: flate: %v", ErrMalformed, err)
	}
	if n > 1<<20 && n > f.lim.MaxRatio*int64(len(in)) {
		return nil, fmt.Errorf("%w: compression ratio above %d", ErrLimit, f.lim.MaxRatio)
	}
	f.decoded += n
	return buf.Bytes(), nil
}

// unpredict undoes a PNG predictor (Predictor >= 10). Predictor 1 or none
// is the identity; TIFF predictor 2 is not supported.
func unpredict(data []byte, p Dict) ([]byte, error) {
	pred, _ := p.Int("Predictor")
	if pred <= 1 {
		return data, nil
	}
	if pred < 10 {
		return nil, fmt.Errorf("%w: predictor %d", ErrUnsupported, pred)
	}
	colors, ok := p.Int("Colors")
	if !ok {
		colors = 1
	}
	bpc, ok := p.Int("BitsPerComponent")
	if !ok {
		bpc = 8
	}
	cols, ok := p.Int("Columns")
	if !ok {
		cols = 1
	}
	if colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || cols < 1 || cols > 1<<20 {
		return nil, fmt.Errorf("%w: predictor parameters", ErrMalformed)
	}
	bpp := int((colors*bpc + 7) / 8)
	row := int((colors*bpc*cols + 7) / 8)
	out := make([]byte, 0, len(data))
	prev := make([]byte, row)
	cur := make([]byte, row)
	for i := 0; i+1 <= len(data); i += row + 1 {
		typ := data[i]
		end := i + 1 + row
		if end > len(data) {
			break // a short last row is dropped
		}
		copy(cur, data[i+1:end])
		for j := 0; j < row; j++ {
			var left, up, ul byte
			if j >= bpp {
				left = cur[j-bpp]
				ul = prev[j-bpp]
			}
			up = prev[j]
			switch typ {
			case 0:
			case 1:
				cur[j] += left
			case 2:
				cur[j] += up
			case 3:
				cur[j] += byte((int(left) + int(up)) / 2)
			case 4:
				cur[j] += paeth(left, up, ul)
			default:
				return nil, fmt.Errorf("%w: PNG filter type %d", ErrMalformed, typ)
			}
		}
		out = append(out, cur...)
		prev, cur = cur, prev
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
