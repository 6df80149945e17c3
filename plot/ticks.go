package plot

import (
	"math"
	"strconv"

	"github.com/go-analyze/charts/chartdraw"
)

// ticks are the marks of an axis from 0 to at least largest, about count
// of them, a round step apart (1, 2 or 5 times a power of ten), labelled
// with the decimals the step needs: 0 0.5 1 1.5, not
// 0.35000000000000003. The axis ends at the last.
func ticks(largest float64, count int) []chartdraw.Tick {
	if largest <= 0 || math.IsNaN(largest) || math.IsInf(largest, 0) {
		largest = 1
	}
	step := roundStep(largest / float64(count))
	decimals := max(0, int(-math.Floor(math.Log10(step))))
	n := int(math.Ceil(largest/step - 1e-9))
	marks := make([]chartdraw.Tick, 0, n+1)
	scale := math.Pow(10, float64(decimals))
	for i := 0; i <= n; i++ {
		v := math.Round(float64(i)*step*scale) / scale // 0.6, not 0.6000000000000001
		marks = append(marks, chartdraw.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return marks
}

// roundStep is the least of 1, 2 or 5 times a power of ten that is at
// least raw.
func roundStep(raw float64) float64 {
	power := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if m*power >= raw*(1-1e-9) {
			return m * power
		}
	}
	return 10 * power
}
