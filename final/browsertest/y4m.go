package browsertest

import (
	"bufio"
	"fmt"
	"os"
)

// WriteY4M writes a test clip for the browsers' fake camera: a YUV4MPEG2 file
// (a one-line text header, then "FRAME\n" and the raw I420 planes of each
// frame). It shows a moving diagonal pattern, colour bands and the frame
// number in large digits, so that a decoded frame can be told apart from the
// next one and a broken picture is easy to see.
func WriteY4M(path string, width, height, frames, fps int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", width, height, fps)
	y := make([]byte, width*height)
	cw, ch := (width+1)/2, (height+1)/2
	u, v := make([]byte, cw*ch), make([]byte, cw*ch)
	for n := 0; n < frames; n++ {
		drawFrame(y, u, v, width, height, n)
		w.WriteString("FRAME\n")
		w.Write(y)
		w.Write(u)
		w.Write(v)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// drawFrame paints frame n into the three planes.
func drawFrame(y, u, v []byte, width, height, n int) {
	for row := 0; row < height; row++ {
		for col := 0; col < width; col++ {
			y[row*width+col] = byte(64 + (col+row+8*n)%128)
		}
	}
	cw, ch := (width+1)/2, (height+1)/2
	for row := 0; row < ch; row++ {
		for col := 0; col < cw; col++ {
			band := (col*6/cw + n/5) % 6
			u[row*cw+col] = byte(64 + 25*band)
			v[row*cw+col] = byte(192 - 25*band)
		}
	}
	// The frame number, black on a white box, in the top left corner.
	text := fmt.Sprintf("%04d", n)
	scale := max(2, height/40)
	boxW, boxH := (len(text)*4+1)*scale, 7*scale
	for row := 0; row < boxH && row < height; row++ {
		for col := 0; col < boxW && col < width; col++ {
			y[row*width+col] = 235
		}
	}
	for i, d := range text {
		glyph := digits[d-'0']
		for gy := 0; gy < 5; gy++ {
			for gx := 0; gx < 3; gx++ {
				if glyph[gy]>>(2-gx)&1 == 0 {
					continue
				}
				for sy := 0; sy < scale; sy++ {
					for sx := 0; sx < scale; sx++ {
						r, c := (gy+1)*scale+sy, (i*4+gx+1)*scale+sx
						if r < height && c < width {
							y[r*width+c] = 16
						}
					}
				}
			}
		}
	}
}

// digits is a 3x5 pixel font, one row of three bits per byte.
var digits = [10][5]byte{
	{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
	{7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
}
