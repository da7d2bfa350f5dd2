package convnet

import "testing"

// TestNewBenchStep: the benchmark workload trains (its steps run without error) and refuses a
// channel scale AlexNet refuses.
func TestNewBenchStep(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ch, batch int
		wantErr   bool
	}{
		{"small", 2, 3, false},
		{"no channels", 0, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step, err := NewBenchStep(tc.ch, tc.batch)
			if (err != nil) != tc.wantErr {
				t.Fatalf("NewBenchStep(%d, %d): error %v, want error %v", tc.ch, tc.batch, err, tc.wantErr)
			}
			for i := 0; step != nil && i < 2; i++ {
				if err := step(); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
		})
	}
}
