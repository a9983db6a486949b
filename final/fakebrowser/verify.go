package fakebrowser

import (
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"net/http"
	"time"
)

// MinPSNR is the luma PSNR, in dB, from which a saved JPEG counts as a
// faithful picture of the keyframe sent: JPEG at the server's quality 90
// stays far above it, and a wrong or corrupt picture falls far below.
const MinPSNR = 30

// maxJPEGBytes bounds the download of one JPEG.
const maxJPEGBytes = 16 << 20

// ShotResult is one JPEG the server announced for the session, checked.
type ShotResult struct {
	Name     string  `json:"name"`            // shoot3.jpg
	URL      string  `json:"url"`             // where it was fetched
	Snapshot bool    `json:"snapshot"`        // it answered our snapshot request
	At       float64 `json:"at_ms"`           // when it was announced, ms since our WebSocket opened
	Width    int     `json:"width"`           // of the decoded JPEG
	Height   int     `json:"height"`          //
	PSNR     float64 `json:"psnr"`            // luma, dB, against our own decode of the keyframe; capped at 99
	Verified bool    `json:"verified"`        // the right size and PSNR ≥ MinPSNR
	Err      string  `json:"error,omitempty"` // why it is not verified
}

// verifyShot downloads a JPEG and compares it with the keyframes the clip
// has: the size must be the clip's and the luma PSNR against the best
// matching keyframe (the server does not say which of ours it was) at
// least MinPSNR. Comparing luma alone avoids guessing how JPEG subsampled
// the chroma; the server writes full-range luma, and so is ours (clip.go).
func verifyShot(ctx context.Context, client *http.Client, url string, clip *Clip, keyframes []int) (w, h int, psnr float64, err error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	img, err := jpeg.Decode(io.LimitReader(resp.Body, maxJPEGBytes))
	if err != nil {
		return 0, 0, 0, fmt.Errorf("GET %s: %w", url, err)
	}
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	if w != clip.Width || h != clip.Height {
		return w, h, 0, fmt.Errorf("JPEG is %dx%d, the keyframe %dx%d", w, h, clip.Width, clip.Height)
	}
	luma := jpegLuma(img)
	if luma == nil {
		return w, h, 0, fmt.Errorf("JPEG of type %T", img)
	}
	psnr = math.Inf(-1)
	for _, k := range keyframes {
		psnr = max(psnr, PSNR(luma, clip.Frames[k].Luma))
	}
	if psnr < MinPSNR {
		return w, h, psnr, fmt.Errorf("luma PSNR %.1f dB, below %d dB", psnr, MinPSNR)
	}
	return w, h, psnr, nil
}

// jpegLuma returns the Y plane of a decoded JPEG, row after row.
func jpegLuma(img image.Image) []byte {
	var y []byte
	var stride int
	switch img := img.(type) {
	case *image.YCbCr:
		y, stride = img.Y, img.YStride
	case *image.Gray:
		y, stride = img.Pix, img.Stride
	default:
		return nil
	}
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy())
	for r := 0; r < b.Dy(); r++ {
		out = append(out, y[r*stride:r*stride+b.Dx()]...)
	}
	return out
}

// PSNR is the peak signal-to-noise ratio of b against a, 8-bit samples,
// in dB: 10·log10(255² / mean squared error). Identical planes give +Inf;
// planes of different sizes give -Inf.
func PSNR(a, b []byte) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return math.Inf(-1)
	}
	var sum uint64
	for i := range a {
		d := int(a[i]) - int(b[i])
		sum += uint64(d * d)
	}
	if sum == 0 {
		return math.Inf(1)
	}
	mse := float64(sum) / float64(len(a))
	return 10 * math.Log10(255*255/mse)
}
