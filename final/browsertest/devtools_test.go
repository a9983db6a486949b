package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestDevToolsPort(t *testing.T) {
	for _, c := range []struct {
		in   string
		port int
		ok   bool
	}{
		{"[1:2:INFO] noise\n\nDevTools listening on ws://127.0.0.1:39415/devtools/browser/4b1e-77\nmore", 39415, true},
		{"DevTools listening on ws://[::1]:9222/devtools/browser/x", 9222, true},
		{"DevTools listening on ws://127.0.0.1:0/devtools/browser/x", 0, false},
		{"DevTools listening on ws://127.0.0.1:70000/devtools/browser/x", 0, false},
		{"DevTools listening on", 0, false},
		{"", 0, false},
	} {
		port, ok := devToolsPortFromLog(c.in)
		if port != c.port && c.ok || ok != c.ok {
			t.Errorf("devToolsPortFromLog(%q) = %d, %v; want %d, %v", c.in, port, ok, c.port, c.ok)
		}
	}
	for _, c := range []struct {
		in   string
		port int
		ok   bool
	}{
		{"40123\n/devtools/browser/abc\n", 40123, true},
		{"40123", 0, false}, // the line is not finished: the file is being written
		{"", 0, false},
		{"x\n/devtools\n", 0, false},
	} {
		port, ok := devToolsPortFromFile(c.in)
		if port != c.port && c.ok || ok != c.ok {
			t.Errorf("devToolsPortFromFile(%q) = %d, %v; want %d, %v", c.in, port, ok, c.port, c.ok)
		}
	}
}

// fakeChromium answers the DevTools protocol as Chromium does, for the
// calls the test makes: answers out of order, events between them, errors.
func fakeChromium(t *testing.T) *httptest.Server {
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("GET /json/list", func(w http.ResponseWriter, r *http.Request) {
		ws := "ws://" + srv.Listener.Addr().String() + "/devtools/page/P1"
		fmt.Fprintf(w, `[{"id":"W","type":"service_worker","webSocketDebuggerUrl":"ws://nowhere/"},{"id":"P1","type":"page","url":"about:blank","webSocketDebuggerUrl":%q}]`, ws)
	})
	mux.HandleFunc("GET /devtools/page/P1", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Origin") != "" {
			http.Error(w, "Origin not allowed", http.StatusForbidden) // as Chromium does
			return
		}
		up := websocket.Upgrader{}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		var held []byte // the answer to "Slow.call", sent after the next call's
		for {
			var m struct {
				ID     int64           `json:"id"`
				Method string          `json:"method"`
				Params json.RawMessage `json:"params"`
			}
			if err := c.ReadJSON(&m); err != nil {
				return
			}
			send := func(s string, args ...any) { c.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, s, args...)) }
			switch m.Method {
			case "Runtime.enable":
				send(`{"method":"Runtime.consoleAPICalled","params":{"type":"log","args":[{"type":"string","value":"hello"},{"type":"number","value":42}]}}`)
				send(`{"id":%d,"result":{}}`, m.ID)
			case "Page.enable":
				send(`{"method":"Page.frameNavigated","params":{}}`)
				send(`{"id":%d,"result":{}}`, m.ID)
			case "Slow.call":
				held = fmt.Appendf(nil, `{"id":%d,"result":{"n":1}}`, m.ID)
			case "Fast.call":
				send(`{"method":"Runtime.exceptionThrown","params":{"exceptionDetails":{"text":"Uncaught","lineNumber":2,"url":"http://x/app.js","exception":{"type":"object","description":"TypeError: boom"}}}}`)
				send(`{"id":%d,"result":{"n":2}}`, m.ID)
				c.WriteMessage(websocket.TextMessage, held)
			case "Runtime.evaluate":
				var p struct {
					Expression    string `json:"expression"`
					ReturnByValue bool   `json:"returnByValue"`
					AwaitPromise  bool   `json:"awaitPromise"`
				}
				json.Unmarshal(m.Params, &p)
				switch {
				case !p.ReturnByValue || !p.AwaitPromise:
					send(`{"id":%d,"error":{"code":-32602,"message":"want returnByValue and awaitPromise"}}`, m.ID)
				case p.Expression == "throw":
					send(`{"id":%d,"result":{"result":{"type":"object","description":"Error: no"},"exceptionDetails":{"text":"Uncaught","exception":{"type":"object","description":"Error: no"}}}}`, m.ID)
				case p.Expression == "undefined":
					send(`{"id":%d,"result":{"result":{"type":"undefined"}}}`, m.ID)
				default:
					send(`{"id":%d,"result":{"result":{"type":"object","value":{"a":[1,2]}}}}`, m.ID)
				}
			case "Page.captureScreenshot":
				send(`{"id":%d,"result":{"data":"iVBORw0KGgo="}}`, m.ID)
			default:
				send(`{"id":%d,"error":{"code":-32601,"message":"'%s' wasn't found"}}`, m.ID, m.Method)
			}
		}
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestDevToolsProtocol(t *testing.T) {
	srv := fakeChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := ConnectDevTools(ctx, srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	// Two calls at once, answered in the other order.
	slow := make(chan error, 1)
	var slowResult struct{ N int }
	go func() { slow <- d.Call(ctx, "Slow.call", nil, &slowResult) }()
	time.Sleep(50 * time.Millisecond) // let Slow.call go first
	var fast struct{ N int }
	if err := d.Call(ctx, "Fast.call", map[string]int{"x": 1}, &fast); err != nil || fast.N != 2 {
		t.Errorf("Fast.call: %+v, %v", fast, err)
	}
	if err := <-slow; err != nil || slowResult.N != 1 {
		t.Errorf("Slow.call: %+v, %v", slowResult, err)
	}

	var cdpErr *CDPError
	if err := d.Call(ctx, "No.such", nil, nil); !errors.As(err, &cdpErr) || cdpErr.Code != -32601 {
		t.Errorf("unknown method: %v", err)
	}

	var v struct{ A []int }
	if err := d.Eval(ctx, "({a:[1,2]})", &v); err != nil || len(v.A) != 2 {
		t.Errorf("Eval: %+v, %v", v, err)
	}
	var evalErr *EvalError
	if err := d.Eval(ctx, "throw", &v); !errors.As(err, &evalErr) || !strings.Contains(err.Error(), "Error: no") {
		t.Errorf("Eval of a throw: %v", err)
	}
	if err := d.Eval(ctx, "undefined", &v); err == nil {
		t.Error("Eval of undefined into a value: no error")
	}
	if err := d.Eval(ctx, "undefined", nil); err != nil {
		t.Errorf("Eval of undefined, no value wanted: %v", err)
	}
	// WaitFor gives up at once on a value that is not a boolean…
	if err := d.WaitFor(ctx, "({a:[1,2]})"); err == nil || strings.Contains(err.Error(), "waited") {
		t.Errorf("WaitFor of an object: %v", err)
	}
	// …and waits out its context on one that throws.
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	if err := d.WaitFor(short, "throw"); err == nil || !strings.Contains(err.Error(), "Error: no") {
		t.Errorf("WaitFor of a throw: %v", err)
	}

	png, err := d.Screenshot(ctx)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("Screenshot: %q, %v", png, err)
	}

	console := strings.Join(d.Console(), "\n")
	for _, want := range []string{"console.log: hello 42", "uncaught: Uncaught: TypeError: boom (http://x/app.js:3)"} {
		if !strings.Contains(console, want) {
			t.Errorf("console %q lacks %q", console, want)
		}
	}

	// A closed connection fails calls at once rather than waiting.
	d.Close()
	if err := d.Call(ctx, "Runtime.enable", nil, nil); err == nil {
		t.Error("call on a closed connection: no error")
	}
}

// TestDevToolsChromium drives a real Chromium: read the page, wait for it,
// take its picture, fake an API before the page's scripts run.
func TestDevToolsChromium(t *testing.T) {
	if !InPrivateNetwork(t) {
		return
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><title>devtools test</title>
<style>html,body{margin:0;height:100%;background:rgb(200,30,40)}</style>
<p id=p>…</p>
<script>
console.log("page says", 7);
setTimeout(() => { document.getElementById("p").dataset.ready = "yes"; }, 300);
window.answer = navigator.fakedByTest || "not faked";
</script>`)
	}))
	defer srv.Close()
	b := StartChromiumDevTools(t, srv.URL+"/")
	d := b.DevTools(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	if err := d.WaitFor(ctx, `document.getElementById("p").dataset.ready === "yes"`); err != nil {
		t.Fatal(err)
	}
	var title string
	if err := d.Eval(ctx, "document.title", &title); err != nil || title != "devtools test" {
		t.Errorf("title %q, %v", title, err)
	}
	var n int
	if err := d.Eval(ctx, "new Promise((resolve) => setTimeout(() => resolve(6 * 7), 50))", &n); err != nil || n != 42 {
		t.Errorf("awaited promise: %d, %v", n, err)
	}
	var evalErr *EvalError
	if err := d.Eval(ctx, "null.x", &n); !errors.As(err, &evalErr) || !strings.Contains(err.Error(), "TypeError") {
		t.Errorf("exception: %v", err)
	}
	if err := d.SetViewport(ctx, 400, 300, 1, false); err != nil {
		t.Fatal(err)
	}
	data, err := d.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != 400 || s.Y != 300 {
		t.Errorf("screenshot is %v, want 400×300", s)
	}
	r, g, bl, _ := img.At(390, 290).RGBA()
	if r>>8 != 200 || g>>8 != 30 || bl>>8 != 40 {
		t.Errorf("pixel (390,290) is %d,%d,%d, want the page's 200,30,40", r>>8, g>>8, bl>>8)
	}
	full, err := d.FullPageScreenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(full)); err != nil || img.Bounds().Dx() != 400 {
		t.Errorf("full-page screenshot: %v, %v", img.Bounds(), err)
	}

	id, err := d.AddScript(ctx, `Object.defineProperty(navigator, "fakedByTest", {value: "faked"})`)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Navigate(ctx, srv.URL+"/again"); err != nil {
		t.Fatal(err)
	}
	var answer string
	if err := d.Eval(ctx, "window.answer", &answer); err != nil || answer != "faked" {
		t.Errorf("after AddScript: %q, %v", answer, err)
	}
	if err := d.RemoveScript(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := d.Navigate(ctx, srv.URL+"/"); err != nil {
		t.Fatal(err)
	}
	if err := d.Eval(ctx, "window.answer", &answer); err != nil || answer != "not faked" {
		t.Errorf("after RemoveScript: %q, %v", answer, err)
	}
	if c := strings.Join(d.Console(), "\n"); !strings.Contains(c, "console.log: page says 7") {
		t.Errorf("console: %q", c)
	}
}
