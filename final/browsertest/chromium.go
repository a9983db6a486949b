package browsertest

import "testing"

// StartChromium opens url in headless Chromium with a fake camera playing a
// generated clip and a fresh profile. It skips the test when Chromium is not
// installed (fails in CI). Run it inside [InPrivateNetwork].
func StartChromium(t testing.TB, url string) *Browser {
	t.Helper()
	return startChromium(t, url)
}

// StartChromiumWith is StartChromium with extra command-line flags, such
// as --ignore-certificate-errors for a page served with a self-signed
// certificate.
func StartChromiumWith(t testing.TB, url string, extra ...string) *Browser {
	t.Helper()
	return startChromium(t, url, extra...)
}

// startChromium starts Chromium as StartChromium says, with extra flags
// before the URL.
func startChromium(t testing.TB, url string, extra ...string) *Browser {
	t.Helper()
	bin := find("chromium", "chromium-browser", "google-chrome")
	if bin == "" {
		skipOrFail(t, "Chromium is not installed (Debian: apt-get install chromium)")
	}
	dir := t.TempDir()
	args := []string{
		"--headless=new",
		"--no-sandbox", // tests run as root in CI, where Chromium's sandbox refuses to start
		"--use-fake-ui-for-media-stream",
		"--use-fake-device-for-media-stream",
		"--use-file-for-fake-video-capture=" + clip(t, dir),
		"--allow-loopback-in-peer-connection",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-gpu",
		"--disable-dev-shm-usage",
		"--disable-features=WebRtcHideLocalIpsWithMdns",
		"--enable-logging=stderr",
		"--user-data-dir=" + dir + "/profile",
	}
	args = append(append(args, extra...), url)
	return start(t, "chromium", bin, args, []string{"HOME=" + dir})
}
