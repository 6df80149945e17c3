package plot

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-analyze/charts/chartdraw"
)

// Format is the kind of picture: a vector drawing for a web page or a
// document, or pixels.
type Format int

const (
	SVG Format = iota
	PNG
)

// FormatOf is the format a file name asks for by its extension.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		return SVG, nil
	case ".png":
		return PNG, nil
	}
	return 0, fmt.Errorf("-o %s: the picture's name must end in .svg or .png", path)
}

func (f Format) renderer() chartdraw.RendererProvider {
	if f == PNG {
		return chartdraw.PNG
	}
	return chartdraw.SVG
}

// Size is the picture's size in pixels (an SVG's viewBox).
type Size struct{ Width, Height int }

// DefaultSize fits a lab sheet's page width and its three panels.
var DefaultSize = Size{Width: 1200, Height: 900}

// The smallest picture that still has room for three panels' axes and
// titles, and the largest a PNG should be (4 bytes a pixel in memory).
const (
	minSide = 300
	maxSide = 10000
)

// ParseSize reads --size WIDTHxHEIGHT, e.g. 1200x900.
func ParseSize(s string) (Size, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	width, errW := strconv.Atoi(w)
	height, errH := strconv.Atoi(h)
	if !ok || errW != nil || errH != nil {
		return Size{}, fmt.Errorf("--size %q: want WIDTHxHEIGHT in pixels, e.g. 1200x900", s)
	}
	if width < minSide || height < minSide || width > maxSide || height > maxSide {
		return Size{}, fmt.Errorf("--size %q: each side must be %d to %d pixels", s, minSide, maxSide)
	}
	return Size{Width: width, Height: height}, nil
}
