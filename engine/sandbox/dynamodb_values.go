package sandbox

import (
	"bytes"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

var ddbNumberRE = regexp.MustCompile(`^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$`)

// ddbNumber checks a number as DynamoDB does (38 significant digits,
// magnitude 1E-130 to 9.99…E+125) and returns its canonical text.
func ddbNumber(s string) (string, error) {
	m := ddbNumberRE.FindStringSubmatch(s)
	if m == nil || (m[2] == "" && m[3] == "") {
		return "", ddbValidation("The parameter cannot be converted to a numeric value: %s", s)
	}
	exp := 0
	if m[4] != "" {
		e, err := strconv.Atoi(m[4])
		if err != nil || e > 1000 || e < -1000 {
			return "", ddbValidation("The parameter cannot be converted to a numeric value: %s", s)
		}
		exp = e
	}
	digits := m[2] + m[3]
	point := len(m[2]) + exp // position of the decimal point in digits
	lead := 0
	for lead < len(digits) && digits[lead] == '0' {
		lead++
	}
	digits, point = digits[lead:], point-lead
	digits = strings.TrimRight(digits, "0")
	if digits == "" {
		return "0", nil
	}
	if len(digits) > 38 {
		return "", ddbValidation("Attempting to store more than 38 significant digits in a Number")
	}
	if point > 126 {
		return "", ddbValidation("Number overflow. Attempting to store a number with magnitude larger than supported range")
	}
	if point < -129 {
		return "", ddbValidation("Number underflow. Attempting to store a number with magnitude smaller than supported range")
	}
	var b strings.Builder
	if m[1] == "-" {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0." + strings.Repeat("0", -point) + digits)
	case point >= len(digits):
		b.WriteString(digits + strings.Repeat("0", point-len(digits)))
	default:
		b.WriteString(digits[:point] + "." + digits[point:])
	}
	return b.String(), nil
}

func toDDB(av ddbtypes.AttributeValue) (ddbValue, error) {
	switch v := av.(type) {
	case *ddbtypes.AttributeValueMemberS:
		return ddbValue{T: "S", S: v.Value}, nil
	case *ddbtypes.AttributeValueMemberN:
		n, err := ddbNumber(v.Value)
		return ddbValue{T: "N", S: n}, err
	case *ddbtypes.AttributeValueMemberB:
		return ddbValue{T: "B", B: append([]byte{}, v.Value...)}, nil
	case *ddbtypes.AttributeValueMemberBOOL:
		return ddbValue{T: "BOOL", S: strconv.FormatBool(v.Value)}, nil
	case *ddbtypes.AttributeValueMemberNULL:
		if !v.Value {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: Null attribute value types must have the value of true")
		}
		return ddbValue{T: "NULL"}, nil
	case *ddbtypes.AttributeValueMemberM:
		out := ddbValue{T: "M", M: map[string]ddbValue{}}
		for k, e := range v.Value {
			x, err := toDDB(e)
			if err != nil {
				return ddbValue{}, err
			}
			out.M[k] = x
		}
		return out, nil
	case *ddbtypes.AttributeValueMemberL:
		out := ddbValue{T: "L", L: []ddbValue{}}
		for _, e := range v.Value {
			x, err := toDDB(e)
			if err != nil {
				return ddbValue{}, err
			}
			out.L = append(out.L, x)
		}
		return out, nil
	case *ddbtypes.AttributeValueMemberSS:
		if len(v.Value) == 0 {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: An string set  may not be empty")
		}
		if ddbDupStrings(v.Value) {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: Input collection [%s] contains duplicates.", strings.Join(v.Value, ", "))
		}
		return ddbValue{T: "SS", SS: append([]string{}, v.Value...)}, nil
	case *ddbtypes.AttributeValueMemberNS:
		if len(v.Value) == 0 {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: An number set  may not be empty")
		}
		out := ddbValue{T: "NS"}
		for _, s := range v.Value {
			n, err := ddbNumber(s)
			if err != nil {
				return ddbValue{}, err
			}
			out.SS = append(out.SS, n)
		}
		if ddbDupStrings(out.SS) {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: Input collection [%s] contains duplicates.", strings.Join(v.Value, ", "))
		}
		return out, nil
	case *ddbtypes.AttributeValueMemberBS:
		if len(v.Value) == 0 {
			return ddbValue{}, ddbValidation("One or more parameter values were invalid: An binary set  may not be empty")
		}
		out := ddbValue{T: "BS"}
		seen := map[string]bool{}
		for _, b := range v.Value {
			if seen[string(b)] {
				return ddbValue{}, ddbValidation("One or more parameter values were invalid: Input collection contains duplicates.")
			}
			seen[string(b)] = true
			out.BS = append(out.BS, append([]byte{}, b...))
		}
		return out, nil
	}
	return ddbValue{}, ddbValidation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
}

func ddbDupStrings(xs []string) bool {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

func fromDDB(v ddbValue) ddbtypes.AttributeValue {
	switch v.T {
	case "S":
		return &ddbtypes.AttributeValueMemberS{Value: v.S}
	case "N":
		return &ddbtypes.AttributeValueMemberN{Value: v.S}
	case "B":
		return &ddbtypes.AttributeValueMemberB{Value: append([]byte{}, v.B...)}
	case "BOOL":
		return &ddbtypes.AttributeValueMemberBOOL{Value: v.S == "true"}
	case "NULL":
		return &ddbtypes.AttributeValueMemberNULL{Value: true}
	case "M":
		m := map[string]ddbtypes.AttributeValue{}
		for k, e := range v.M {
			m[k] = fromDDB(e)
		}
		return &ddbtypes.AttributeValueMemberM{Value: m}
	case "L":
		l := make([]ddbtypes.AttributeValue, 0, len(v.L))
		for _, e := range v.L {
			l = append(l, fromDDB(e))
		}
		return &ddbtypes.AttributeValueMemberL{Value: l}
	case "SS":
		return &ddbtypes.AttributeValueMemberSS{Value: append([]string{}, v.SS...)}
	case "NS":
		return &ddbtypes.AttributeValueMemberNS{Value: append([]string{}, v.SS...)}
	case "BS":
		bs := make([][]byte, 0, len(v.BS))
		for _, b := range v.BS {
			bs = append(bs, append([]byte{}, b...))
		}
		return &ddbtypes.AttributeValueMemberBS{Value: bs}
	}
	return &ddbtypes.AttributeValueMemberNULL{Value: true}
}

func ddbToItem(m map[string]ddbtypes.AttributeValue) (ddbItem, error) {
	out := ddbItem{}
	for k, v := range m {
		if k == "" {
			return nil, ddbValidation("One or more parameter values were invalid: An AttributeValue may not contain an empty attribute name")
		}
		x, err := toDDB(v)
		if err != nil {
			return nil, err
		}
		out[k] = x
	}
	return out, nil
}

func (it ddbItem) out() map[string]ddbtypes.AttributeValue {
	m := make(map[string]ddbtypes.AttributeValue, len(it))
	for k, v := range it {
		m[k] = fromDDB(v)
	}
	return m
}

func (v ddbValue) size() int {
	switch v.T {
	case "S", "N":
		return len(v.S)
	case "B":
		return len(v.B)
	case "BOOL", "NULL":
		return 1
	case "M":
		n := 3
		for k, e := range v.M {
			n += len(k) + e.size() + 1
		}
		return n
	case "L":
		n := 3
		for _, e := range v.L {
			n += e.size() + 1
		}
		return n
	case "SS", "NS":
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case "BS":
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	}
	return 0
}

func (it ddbItem) size() int {
	n := 0
	for k, v := range it {
		n += len(k) + v.size()
	}
	return n
}

func ddbEqual(a, b ddbValue) bool {
	if a.T != b.T {
		return false
	}
	switch a.T {
	case "S", "BOOL":
		return a.S == b.S
	case "N":
		return ddbNumCmp(a.S, b.S) == 0
	case "B":
		return bytes.Equal(a.B, b.B)
	case "NULL":
		return true
	case "M":
		if len(a.M) != len(b.M) {
			return false
		}
		for k, x := range a.M {
			y, ok := b.M[k]
			if !ok || !ddbEqual(x, y) {
				return false
			}
		}
		return true
	case "L":
		if len(a.L) != len(b.L) {
			return false
		}
		for i := range a.L {
			if !ddbEqual(a.L[i], b.L[i]) {
				return false
			}
		}
		return true
	case "SS", "NS":
		if len(a.SS) != len(b.SS) {
			return false
		}
		set := map[string]bool{}
		for _, s := range a.SS {
			set[s] = true
		}
		for _, s := range b.SS {
			if !set[s] {
				return false
			}
		}
		return true
	case "BS":
		if len(a.BS) != len(b.BS) {
			return false
		}
		set := map[string]bool{}
		for _, s := range a.BS {
			set[string(s)] = true
		}
		for _, s := range b.BS {
			if !set[string(s)] {
				return false
			}
		}
		return true
	}
	return false
}

func ddbNumCmp(a, b string) int {
	x, _, _ := big.ParseFloat(a, 10, 256, big.ToNearestEven)
	y, _, _ := big.ParseFloat(b, 10, 256, big.ToNearestEven)
	if x == nil || y == nil {
		return strings.Compare(a, b)
	}
	return x.Cmp(y)
}

// ddbCmp orders two scalars of the same type (ok false otherwise).
func ddbCmp(a, b ddbValue) (int, bool) {
	if a.T != b.T {
		return 0, false
	}
	switch a.T {
	case "S":
		return strings.Compare(a.S, b.S), true
	case "N":
		return ddbNumCmp(a.S, b.S), true
	case "B":
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}
