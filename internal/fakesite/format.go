package fakesite

import (
	"strconv"
	"strings"
)

// The site formats numbers with XSLT format-number: "####,###" for market
// value and "####,###.##" for extent. A '#'-only picture prints zero as "",
// drops trailing decimal zeros and prints no leading zero (".5").

// formatRands renders a market value: "1,830,000", "" for 0.
func formatRands(v int64) string {
	if v == 0 {
		return ""
	}
	neg := v < 0
	if neg {
		v = -v
	}
	s := groupThousands(strconv.FormatInt(v, 10))
	if neg {
		s = "-" + s
	}
	return s
}

// formatExtent renders an extent: "1,012.5", "399", "" for 0.
func formatExtent(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	if intPart == "0" {
		intPart = ""
	}
	out := groupThousands(intPart)
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "" {
		out = "-" + out
	}
	return out
}

func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	b.Grow(len(digits) + len(digits)/3)
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
