package browsertest

// This file is a minimal client of the Chrome DevTools Protocol (CDP), so a
// test can read the page Chromium shows and take a picture of it, with no
// WebDriver. The protocol is JSON over a WebSocket:
//
//	test     → Chromium  {"id":1,"method":"Runtime.evaluate","params":{"expression":"1+1","returnByValue":true}}
//	Chromium → test      {"method":"Runtime.consoleAPICalled","params":{…}}       (an event: no id)
//	Chromium → test      {"id":1,"result":{"result":{"type":"number","value":2}}}  (the answer to call 1)
//	Chromium → test      {"id":2,"error":{"code":-32601,"message":"'Foo.bar' wasn't found"}}
//
// Chromium listens for it when started with --remote-debugging-port; port 0
// picks a free port, which Chromium prints on stderr ("DevTools listening on
// ws://127.0.0.1:PORT/devtools/browser/…") and writes into the first line
// of <user-data-dir>/DevToolsActivePort. http://127.0.0.1:PORT/json/list
// lists the targets (pages, workers, …); each page has a WebSocket URL of
// its own, on which commands act on that page.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// StartChromiumDevTools is [StartChromium] with the DevTools protocol on
// (on a free port of 127.0.0.1), a 1280×900 window and no scrollbars in
// screenshots. Take the page with [Browser.DevTools].

func StartChromiumDevTools(t testing.TB, url string) *Browser {
	t.Helper()
	return startChromium(t, url,
		// The DevTools protocol, on 127.0.0.1 only (the default address).
		"--remote-debugging-port=0",
		"--window-size=1280,900",
		"--hide-scrollbars",
	)
}

// DevTools returns a DevTools protocol connection to the browser's page,
// closed when the test ends. The browser must have been started by
// [StartChromiumDevTools]; DevTools fails the test when no page comes
// within 30 seconds.
func (b *Browser) DevTools(t testing.TB) *DevTools {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addr, err := b.devToolsAddr(ctx)
	if err != nil {
		t.Fatalf("%s: %v", b.Name, err)
	}
	d, err := ConnectDevTools(ctx, addr)
	if err != nil {
		t.Fatalf("%s: %v", b.Name, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("page console:\n%s", strings.Join(d.Console(), "\n"))
		}
		d.Close()
	})
	return d
}

// devToolsAddr waits for Chromium to say on which port it listens: on
// stderr, or in DevToolsActivePort in its profile.
func (b *Browser) devToolsAddr(ctx context.Context) (string, error) {
	profile := ""
	for _, a := range b.cmd.Args {
		if v, ok := strings.CutPrefix(a, "--user-data-dir="); ok {
			profile = v
		}
	}
	for {
		if port, ok := devToolsPortFromLog(b.Output()); ok {
			return "127.0.0.1:" + strconv.Itoa(port), nil
		}
		if profile != "" {
			if data, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
				if port, ok := devToolsPortFromFile(string(data)); ok {
					return "127.0.0.1:" + strconv.Itoa(port), nil
				}
			}
		}
		if b.cmd.ProcessState != nil {
			return "", errors.New("exited before listening for DevTools")
		}
		select {
		case <-ctx.Done():
			return "", errors.New("no DevTools port (was it started with StartChromiumDevTools?)")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

var devToolsLine = regexp.MustCompile(`DevTools listening on ws://[^/\s]*:(\d+)/`)

// devToolsPortFromLog finds the port in Chromium's "DevTools listening on
// ws://127.0.0.1:39415/devtools/browser/…" line.
func devToolsPortFromLog(output string) (int, bool) {
	m := devToolsLine.FindStringSubmatch(output)
	if m == nil {
		return 0, false
	}
	return validPort(m[1])
}

// devToolsPortFromFile reads DevToolsActivePort: the port on the first
// line, the browser target's path on the second. Chromium writes the file
// whole once it listens, but a reader may still see it empty.
func devToolsPortFromFile(content string) (int, bool) {
	first, _, found := strings.Cut(content, "\n")
	if !found {
		return 0, false // not written yet, or not all of it
	}
	return validPort(strings.TrimSpace(first))
}

func validPort(s string) (int, bool) {
	p, err := strconv.Atoi(s)
	return p, err == nil && p > 0 && p < 1<<16
}

// DevTools is a connection to one page over the Chrome DevTools Protocol.
// Its methods may be called from several goroutines.
type DevTools struct {
	conn *websocket.Conn
	wmu  sync.Mutex // one writer at a time (gorilla/websocket's rule)

	mu      sync.Mutex
	next    int64                     // the id of the next call
	pending map[int64]chan cdpMessage // calls waiting for their answer
	console []string                  // console messages and uncaught exceptions
	err     error                     // why the connection ended
	done    chan struct{}             // closed when the read loop returns
}

// cdpMessage is any message from the browser: an answer (ID set) or an event (Method set).
type cdpMessage struct {
	ID     int64           `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *CDPError       `json:"error"`
}

// CDPError is the browser's answer to a call that failed (JSON-RPC 2.0 §5.1 codes).
type CDPError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *CDPError) Error() string {
	if e.Data != "" {
		return fmt.Sprintf("devtools: %s (%d): %s", e.Message, e.Code, e.Data)
	}
	return fmt.Sprintf("devtools: %s (%d)", e.Message, e.Code)
}

// target is an entry of /json/list.
type target struct {
	ID    string `json:"id"`
	Type  string `json:"type"` // "page", "service_worker", "browser", …
	URL   string `json:"url"`
	WSURL string `json:"webSocketDebuggerUrl"`
}

// ConnectDevTools connects to the first page target of the browser whose
// DevTools HTTP endpoint is at addr ("127.0.0.1:PORT"), retrying until the
// page exists or ctx ends, and turns on the Runtime and Page domains
// (Runtime's console events are collected: see [DevTools.Console]).
func ConnectDevTools(ctx context.Context, addr string) (*DevTools, error) {
	var last error
	for {
		ws, err := pageTarget(ctx, addr)
		if err == nil {
			d, err := DialDevTools(ctx, ws)
			if err != nil {
				return nil, err
			}
			// Runtime for console events; Page for AddScript, which
			// needs it on (and whose events nothing here reads).
			for _, domain := range []string{"Runtime", "Page"} {
				if err := d.Call(ctx, domain+".enable", nil, nil); err != nil {
					d.Close()
					return nil, err
				}
			}
			return d, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no page target at %s: %v", addr, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func pageTarget(ctx context.Context, addr string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/json/list", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /json/list: %s", resp.Status)
	}
	var targets []target
	if err := json.NewDecoder(resp.Body).Decode(&targets); err != nil {
		return "", fmt.Errorf("GET /json/list: %v", err)
	}
	for _, t := range targets {
		if t.Type == "page" && t.WSURL != "" {
			return t.WSURL, nil
		}
	}
	return "", fmt.Errorf("no page among %d targets", len(targets))
}

// DialDevTools connects to a target's WebSocket URL
// (ws://127.0.0.1:PORT/devtools/page/ID). The dialer sends no Origin
// header: Chromium refuses WebSockets from web origins it was not told to
// allow (--remote-allow-origins), not ones from a program.
func DialDevTools(ctx context.Context, wsURL string) (*DevTools, error) {
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil)
	if err != nil {
		return nil, fmt.Errorf("devtools: dial %s: %w", wsURL, err)
	}
	d := &DevTools{conn: conn, pending: map[int64]chan cdpMessage{}, done: make(chan struct{})}
	go d.readLoop()
	return d, nil
}

// readLoop hands each answer to the call waiting for it and keeps the
// console events; it returns when the socket fails or is closed.
func (d *DevTools) readLoop() {
	defer close(d.done)
	for {
		_, data, err := d.conn.ReadMessage()
		if err != nil {
			d.mu.Lock()
			d.err = err
			d.mu.Unlock()
			return
		}
		var m cdpMessage
		if err := json.Unmarshal(data, &m); err != nil {
			continue // not ours to judge; the calls time out if it mattered
		}
		if m.Method != "" {
			d.event(m)
			continue
		}
		d.mu.Lock()
		ch := d.pending[m.ID]
		delete(d.pending, m.ID)
		d.mu.Unlock()
		if ch != nil {
			ch <- m // buffered: never blocks
		}
	}
}

// maxConsole bounds the console lines kept, against a page that logs without end.
const maxConsole = 1000

// event keeps what the page wrote on its console and the exceptions it did not catch.
func (d *DevTools) event(m cdpMessage) {
	var line string
	switch m.Method {
	case "Runtime.consoleAPICalled":
		var p struct {
			Type string         `json:"type"`
			Args []remoteObject `json:"args"`
		}
		if json.Unmarshal(m.Params, &p) != nil {
			return
		}
		parts := make([]string, len(p.Args))
		for i, a := range p.Args {
			parts[i] = a.String()
		}
		line = "console." + p.Type + ": " + strings.Join(parts, " ")
	case "Runtime.exceptionThrown":
		var p struct {
			Details exceptionDetails `json:"exceptionDetails"`
		}
		if json.Unmarshal(m.Params, &p) != nil {
			return
		}
		line = "uncaught: " + p.Details.String()
	default:
		return
	}
	d.mu.Lock()
	if len(d.console) < maxConsole {
		d.console = append(d.console, line)
	}
	d.mu.Unlock()
}

// Console returns the page's console messages and uncaught exceptions so far.
func (d *DevTools) Console() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.console...)
}

// Call sends a command and waits for its answer, which it decodes into
// result (unless result is nil). params is encoded as JSON; nil sends none.
func (d *DevTools) Call(ctx context.Context, method string, params, result any) error {
	msg := struct {
		ID     int64  `json:"id"`
		Method string `json:"method"`
		Params any    `json:"params,omitempty"`
	}{Method: method, Params: params}
	ch := make(chan cdpMessage, 1)
	d.mu.Lock()
	if d.err != nil {
		err := d.err
		d.mu.Unlock()
		return fmt.Errorf("devtools: %s: connection closed: %w", method, err)
	}
	d.next++
	msg.ID = d.next
	d.pending[msg.ID] = ch
	d.mu.Unlock()
	forget := func() {
		d.mu.Lock()
		delete(d.pending, msg.ID)
		d.mu.Unlock()
	}

	data, err := json.Marshal(msg)
	if err != nil {
		forget()
		return err
	}
	d.wmu.Lock()
	err = d.conn.WriteMessage(websocket.TextMessage, data)
	d.wmu.Unlock()
	if err != nil {
		forget()
		return fmt.Errorf("devtools: %s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %w", method, m.Error)
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("devtools: %s: decode result: %w", method, err)
			}
		}
		return nil
	case <-d.done:
		forget()
		d.mu.Lock()
		err := d.err
		d.mu.Unlock()
		return fmt.Errorf("devtools: %s: connection closed: %w", method, err)
	case <-ctx.Done():
		forget()
		return fmt.Errorf("devtools: %s: %w", method, ctx.Err())
	}
}

// remoteObject is a JavaScript value as the Runtime domain describes it.
type remoteObject struct {
	Type                string          `json:"type"` // "object", "number", "undefined", …
	Subtype             string          `json:"subtype"`
	Value               json.RawMessage `json:"value"` // with returnByValue, or for primitives
	UnserializableValue string          `json:"unserializableValue"`
	Description         string          `json:"description"`
}

func (o remoteObject) String() string {
	switch {
	case len(o.Value) > 0:
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	case o.UnserializableValue != "":
		return o.UnserializableValue
	case o.Description != "":
		return o.Description
	}
	return o.Type
}

// exceptionDetails is what Runtime says of a thrown exception or rejected promise.
type exceptionDetails struct {
	Text      string        `json:"text"` // "Uncaught", "Uncaught (in promise)"
	Line      int           `json:"lineNumber"`
	URL       string        `json:"url"`
	Exception *remoteObject `json:"exception"`
}

func (e exceptionDetails) String() string {
	s := e.Text
	if e.Exception != nil {
		s += ": " + e.Exception.String()
	}
	if e.URL != "" {
		s += fmt.Sprintf(" (%s:%d)", e.URL, e.Line+1)
	}
	return s
}

// EvalError is a JavaScript exception thrown by an expression given to [DevTools.Eval].
type EvalError struct {
	Expr    string
	Details string
}

func (e *EvalError) Error() string { return fmt.Sprintf("eval %q: %s", e.Expr, e.Details) }

// Eval evaluates a JavaScript expression in the page, as if typed into
// its console, waits for it if it is a promise, and decodes its value into
// out as JSON (unless out is nil). An exception is returned as an
// *[EvalError]; a value of undefined is an error when out is not nil.
func (d *DevTools) Eval(ctx context.Context, expr string, out any) error {
	var r struct {
		Result    remoteObject      `json:"result"`
		Exception *exceptionDetails `json:"exceptionDetails"`
	}
	err := d.Call(ctx, "Runtime.evaluate", map[string]any{
		"expression":    expr,
		"returnByValue": true, // the value itself as JSON, not a handle to it
		"awaitPromise":  true,
		"userGesture":   true, // as if the user did it: a click may then open a camera, play a video…
	}, &r)
	if err != nil {
		return err
	}
	if r.Exception != nil {
		return &EvalError{Expr: expr, Details: r.Exception.String()}
	}
	if out == nil {
		return nil
	}
	if len(r.Result.Value) == 0 {
		return fmt.Errorf("eval %q: the value is %s, not JSON", expr, r.Result.String())
	}
	if err := json.Unmarshal(r.Result.Value, out); err != nil {
		return fmt.Errorf("eval %q: %w", expr, err)
	}
	return nil
}

// WaitFor evaluates expr, which must be a JavaScript boolean, every 50 ms
// until it is true or ctx ends. An exception (say, of an element not there
// yet) counts as false; a value that is not a boolean is an error at once.
func (d *DevTools) WaitFor(ctx context.Context, expr string) error {
	var last error
	for {
		var ok bool
		err := d.Eval(ctx, expr, &ok)
		var evalErr *EvalError
		var cdpErr *CDPError
		switch {
		case err == nil && ok:
			return nil
		case err == nil:
			last = errors.New("false")
		case errors.As(err, &evalErr), errors.As(err, &cdpErr):
			// Not yet: an element missing, or the page between two
			// documents ("Execution context was destroyed").
			last = err
		case ctx.Err() != nil:
			// ctx ended during the call: the select below says so.
		default:
			return err // a value that is not a boolean, or the connection is gone
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waited for %s: %w (last: %v)", expr, ctx.Err(), last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// SetViewport fixes the page's viewport, as a device would have it
// (Emulation.setDeviceMetricsOverride): width and height in CSS pixels,
// scale device pixels per CSS pixel (0 keeps the default), mobile for a
// phone's layout viewport and meta viewport handling.
func (d *DevTools) SetViewport(ctx context.Context, width, height int, scale float64, mobile bool) error {
	return d.Call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width":             width,
		"height":            height,
		"deviceScaleFactor": scale,
		"mobile":            mobile,
	}, nil)
}

// SetColorScheme makes the page's prefers-color-scheme media query match
// scheme ("light" or "dark"); "" goes back to the browser's own.
func (d *DevTools) SetColorScheme(ctx context.Context, scheme string) error {
	features := []map[string]string{}
	if scheme != "" {
		features = append(features, map[string]string{"name": "prefers-color-scheme", "value": scheme})
	}
	return d.Call(ctx, "Emulation.setEmulatedMedia", map[string]any{"features": features}, nil)
}

// Screenshot returns a PNG of what the viewport shows.
func (d *DevTools) Screenshot(ctx context.Context) ([]byte, error) {
	return d.screenshot(ctx, map[string]any{"format": "png"})
}

// FullPageScreenshot returns a PNG of the whole page, the part scrolled
// out of the viewport too, at the viewport's width.
func (d *DevTools) FullPageScreenshot(ctx context.Context) ([]byte, error) {
	var m struct {
		Content struct {
			Width  float64 `json:"width"`
			Height float64 `json:"height"`
		} `json:"cssContentSize"`
		Viewport struct {
			Width float64 `json:"clientWidth"`
		} `json:"cssLayoutViewport"`
	}
	if err := d.Call(ctx, "Page.getLayoutMetrics", nil, &m); err != nil {
		return nil, err
	}
	return d.screenshot(ctx, map[string]any{
		"format":                "png",
		"captureBeyondViewport": true,
		"clip": map[string]any{
			"x": 0, "y": 0, "scale": 1,
			"width":  m.Viewport.Width,
			"height": m.Content.Height,
		},
	})
}

func (d *DevTools) screenshot(ctx context.Context, params map[string]any) ([]byte, error) {
	var r struct {
		Data string `json:"data"` // base64
	}
	if err := d.Call(ctx, "Page.captureScreenshot", params, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// Navigate loads url in the page and waits until its document has loaded
// (document.readyState is "complete"). Page.navigate answers once the new
// document is committed, so the old one is not mistaken for it.
func (d *DevTools) Navigate(ctx context.Context, url string) error {
	var r struct {
		ErrorText string `json:"errorText"`
	}
	if err := d.Call(ctx, "Page.navigate", map[string]any{"url": url}, &r); err != nil {
		return err
	}
	if r.ErrorText != "" {
		return fmt.Errorf("navigate to %s: %s", url, r.ErrorText)
	}
	return d.WaitFor(ctx, `document.readyState === "complete" && location.href === new URL(`+strconv.Quote(url)+`).href`)
}

// AddScript has the page run source before its own scripts in every
// document loaded from now on (Page.addScriptToEvaluateOnNewDocument): a
// test can replace a browser API with a fake there. It returns the
// script's id, for [DevTools.RemoveScript].
func (d *DevTools) AddScript(ctx context.Context, source string) (string, error) {
	var r struct {
		ID string `json:"identifier"`
	}
	err := d.Call(ctx, "Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": source}, &r)
	return r.ID, err
}

// RemoveScript undoes [DevTools.AddScript] for the documents loaded next.
func (d *DevTools) RemoveScript(ctx context.Context, id string) error {
	return d.Call(ctx, "Page.removeScriptToEvaluateOnNewDocument", map[string]any{"identifier": id}, nil)
}

// Close closes the connection; the browser goes on.
func (d *DevTools) Close() error {
	d.wmu.Lock()
	d.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	d.wmu.Unlock()
	err := d.conn.Close()
	<-d.done
	return err
}
