//go:build !purego

package kernel

// The packed product: C (m×n) = A·B with A(i,p) = a[i·ars + p·aps] and B(p,j) = b[p·bps + j·bjs],
// so that one driver serves MatMul (B row-major), MatMulTransA (A read down its columns) and
// MatMulTransB (B read across its rows, a layer's out×in weights), as in the BLIS design
// (Van Zee and van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality",
// ACM TOMS 41(3), 2015):
//
//   - k is cut into blocks of at most kcMax; for each block, B's rows pc…pc+kc−1 are packed into
//     panels of nr columns (kc×nr, contiguous, the last zero-padded), whatever B's layout: a
//     row-major B is copied row by row, a transposed B transposed 8×8 at a time;
//   - rows of A are taken mcMax at a time, and for each nr-column panel of B (which stays in L1
//     while it is used) the micro-kernel computes every mr×nr block of those rows, adding
//     into C after the first k block;
//   - A is read in place when its rows are contiguous (aps = 1: MatMul, MatMulTransB), else
//     (MatMulTransA, whose columns are contiguous, 4 KiB apart at width 1024, which L1 cannot
//     hold) each mcMax×kc block is packed into mr-row strips (p-major, mr values per p); the
//     last m mod mr rows are always packed, zero-padded, into an mr-row strip.
//
// Columns beyond n and rows beyond m are computed into a small tile and only the wanted part
// is copied out.

//go:noescape
func gemm6x16(k int, a *float32, ars, aps int, b *float32, c *float32, ldc int, acc int)

//go:noescape
func gemm6x32(k int, a *float32, ars, aps int, b *float32, c *float32, ldc int, acc int)

//go:noescape
func packRows(k int, src *float32, lds int, dst *float32, n8 int)

//go:noescape
func packCols(k int, src *float32, lds int, dst *float32, mr int)

// microKernel is one register-blocked kernel: fn sets (acc = 0) or adds to (acc = 1) the
// mr×nr block of C at c (row stride ldc) the product of A (mr×k, A(r,p) = a[r·ars + p·aps])
// and a packed k×nr panel b.
type microKernel struct {
	mr, nr int
	fn     func(k int, a *float32, ars, aps int, b *float32, c *float32, ldc int, acc int)
}

var (
	micro6x16 = microKernel{6, 16, gemm6x16}
	micro6x32 = microKernel{6, 32, gemm6x32}
)

const (
	kcMax = 256             // a k×16 (k×32) panel of B is 16 (32) KiB: it stays in L1 with A streaming by
	mcMax = 120             // 120 rows of a 256-deep A block: 120 KiB, in L2
	mcBuf = mcMax + mcMax/2 // the last row block takes up to mcMax/2 more rows
	// parMinWork is the number of multiply-adds from which a product is split between the
	// threads (SetThreads): about 3 µs of work, against about 1 µs to hand a part to a
	// spinning team goroutine (team_amd64.go).
	parMinWork = 1 << 18
)

// kBlock returns the depth of the k blocks: k in ⌈k/kcMax⌉ equal blocks, rounded up to 8
// (784 → 4 blocks of 200, not 3 of 256 and one of 16).
func kBlock(k int) int {
	nb := (k + kcMax - 1) / kcMax
	kc := (k + nb - 1) / nb
	return (kc + 7) &^ 7
}

// packedScratch returns the scratch gemmPackedSerial needs: packed B for one k block
// (kc × n rounded up to nr), a packed block of A (up to mcBuf rows), an mr-row strip of A and
// an mr×nr tile.
func packedScratch(mk microKernel, k, n int) int {
	kc := kBlock(k)
	np := (n + mk.nr - 1) / mk.nr * mk.nr
	return kc*np + mcBuf*kc + mk.mr*kc + mk.mr*mk.nr
}

// gemmPacked computes C = A·B (see the top of this file) into c (row stride ldc), splitting
// large products between the threads set by SetThreads.
func gemmPacked(mk microKernel, c []float32, ldc int, a []float32, ars, aps int, b []float32, bps, bjs int, m, k, n int) {
	if k == 0 {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	if t := Threads(); t > 1 && m*k*n >= parMinWork {
		panels := (n + mk.nr - 1) / mk.nr
		// A weight gradient (A read down its columns, C a layer's out×in) is split by rows of C,
		// the other products by columns: either way a goroutine's share of C is the rows of
		// the layer's weights whose outputs it computes in the forward product, so that each
		// core keeps reading and updating the same half of the weights.
		rowsFirst := ars == 1 && aps != 1 && m >= 2*t*mk.mr
		switch {
		case panels >= 2*t && !rowsFirst: // split the columns: each thread packs its own part of B
			var buf [stackParts]part
			tasks := partsFor(&buf, t)
			for w := range tasks {
				j0 := panels * w / t * mk.nr
				j1 := min(n, panels*(w+1)/t*mk.nr)
				tasks[w].gemm = gemmTask{mk, c[j0:], ldc, a, ars, aps, b[j0*bjs:], bps, bjs, m, k, j1 - j0}
			}
			pool.run(tasks)
			return
		case m >= 2*t*mk.mr: // split the rows (multiples of mr): each thread packs all of B
			strips := (m + mk.mr - 1) / mk.mr
			var buf [stackParts]part
			tasks := partsFor(&buf, t)
			for w := range tasks {
				i0 := strips * w / t * mk.mr
				i1 := min(m, strips*(w+1)/t*mk.mr)
				tasks[w].gemm = gemmTask{mk, c[i0*ldc:], ldc, a[i0*ars:], ars, aps, b, bps, bjs, i1 - i0, k, n}
			}
			pool.run(tasks)
			return
		}
	}
	gemmPackedSerial(mk, c, ldc, a, ars, aps, b, bps, bjs, m, k, n)
}

// gemmTask is a part of a product for a worker of pool.
type gemmTask struct {
	mk       microKernel
	c        []float32
	ldc      int
	a        []float32
	ars, aps int
	b        []float32
	bps, bjs int
	m, k, n  int
}

func (t gemmTask) run() {
	gemmPackedSerial(t.mk, t.c, t.ldc, t.a, t.ars, t.aps, t.b, t.bps, t.bjs, t.m, t.k, t.n)
}

// gemmPackedSerial is gemmPacked on the calling goroutine.
func gemmPackedSerial(mk microKernel, c []float32, ldc int, a []float32, ars, aps int, b []float32, bps, bjs int, m, k, n int) {
	mr, nr := mk.mr, mk.nr
	kc := kBlock(k)
	np := (n + nr - 1) / nr * nr
	bufp := scratch.Get().(*[]float32)
	if need := packedScratch(mk, k, n); cap(*bufp) < need {
		*bufp = make([]float32, need)
	}
	buf := *bufp
	bp := buf[:kc*np]
	ablk := buf[kc*np : kc*np+mcBuf*kc]
	strip := buf[kc*np+mcBuf*kc : kc*np+mcBuf*kc+mr*kc]
	tile := buf[kc*np+mcBuf*kc+mr*kc : kc*np+mcBuf*kc+mr*kc+mr*nr]
	packA := ars == 1 && aps != 1
	mFull := m / mr * mr
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		acc := 0
		if pc > 0 {
			acc = 1
		}
		packB(bp, b[pc*bps:], bps, bjs, kb, n, nr)
		if mFull < m { // the last m mod mr rows, zero-padded to mr
			rows := m - mFull
			for p := 0; p < kb; p++ {
				s := strip[p*mr : p*mr+mr]
				for r := 0; r < rows; r++ {
					s[r] = a[(mFull+r)*ars+(pc+p)*aps]
				}
				clear(s[rows:])
			}
		}
		for ic := 0; ic < m; {
			ie := min(m, ic+mcMax)
			if m-ie < mcMax/2 { // no small last block: blocks of up to 1.5·mcMax rows
				ie = m
			}
			if packA { // the full mr-row strips of rows ic…ie−1
				for ir := ic; ir+mr <= ie; ir += mr {
					dst := ablk[(ir-ic)*kb : (ir-ic+mr)*kb]
					_ = a[ir+(pc+kb-1)*aps+mr-1] // bounds of packCols's reads
					packCols(kb, &a[ir+pc*aps], aps, &dst[0], mr)
				}
			}
			for jr := 0; jr < n; jr += nr {
				w := min(nr, n-jr)
				bj := &bp[jr*kb]
				for ir := ic; ir < ie; ir += mr {
					ap, ars1, aps1 := &a[ir*ars+pc*aps], ars, aps
					if packA {
						ap, ars1, aps1 = &ablk[(ir-ic)*kb], 1, mr
					}
					if ir+mr > m {
						ap, ars1, aps1 = &strip[0], 1, mr
					} else if w == nr {
						mk.fn(kb, ap, ars1, aps1, bj, &c[ir*ldc+jr], ldc, acc)
						continue
					}
					mk.fn(kb, ap, ars1, aps1, bj, &tile[0], nr, 0)
					for r := 0; r < min(mr, m-ir); r++ {
						dst := c[(ir+r)*ldc+jr : (ir+r)*ldc+jr+w]
						src := tile[r*nr : r*nr+w]
						if acc == 0 {
							copy(dst, src)
						} else {
							for j := range dst {
								dst[j] += src[j]
							}
						}
					}
				}
			}
			ic = ie
		}
	}
	scratch.Put(bufp)
}

// packB packs rows 0…kb−1 of B (B(p,j) = b[p·bps + j·bjs]) into panels of nr columns: panel q
// holds columns q·nr… at dst[q·nr·kb …], kb rows of nr values, zero-padded past n.
func packB(dst, b []float32, bps, bjs, kb, n, nr int) {
	for j0 := 0; j0 < n; j0 += nr {
		panel := dst[j0*kb : j0*kb+kb*nr]
		w := min(nr, n-j0)
		switch {
		case bjs == 1 && w == nr: // row-major B: copy row pieces
			packRows(kb, &b[j0], bps, &panel[0], nr/8)
		case bps == 1 && w == nr: // transposed B: columns of B are rows of b
			k8 := kb &^ 7
			for jj := 0; jj < nr; jj += 8 {
				src := b[(j0+jj)*bjs:]
				for p := 0; p < k8; p += 8 {
					transpose8x8(&src[p], bjs, &panel[p*nr+jj], nr)
				}
				for p := k8; p < kb; p++ {
					for j := 0; j < 8; j++ {
						panel[p*nr+jj+j] = src[j*bjs+p]
					}
				}
			}
		default:
			for p := 0; p < kb; p++ {
				row := panel[p*nr : p*nr+nr]
				for j := 0; j < w; j++ {
					row[j] = b[p*bps+(j0+j)*bjs]
				}
				clear(row[w:])
			}
		}
	}
}

// pool runs the parts of split products on Threads()−1 long-lived goroutines.
var pool teamPool
