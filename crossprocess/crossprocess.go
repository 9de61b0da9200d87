// Package crossprocess lets a CLI command (seed, ranking rebuild)
// tell a server running on the same data dir that rows changed underneath
// it, so the server drops what it caches. PocketBase syncs its settings
// between processes the same way: a short-lived file in pb_data/.notify.
package crossprocess

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fsnotify/fsnotify"
	"github.com/pocketbase/pocketbase/core"
)

// dataChangedPrefix names the notice files; the pid keeps two apart.
const dataChangedPrefix = "rollcall-data@"

// Notify tells a server running on the same data dir that rows changed
// underneath it.
func Notify(app core.App) error {
	dir := filepath.Join(app.DataDir(), core.LocalNotifyDirName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("notify running server: %w", err)
	}
	file := filepath.Join(dir, dataChangedPrefix+strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		return fmt.Errorf("notify running server: %w", err)
	}
	return os.Remove(file)
}

// Watch calls onChange whenever another process announces a data change in
// dataDir, until the returned watcher is closed.
func Watch(dataDir string, onChange func()) (io.Closer, error) {
	return startWatcher(filepath.Join(dataDir, core.LocalNotifyDirName), onChange)
}

func startWatcher(dir string, onChange func()) (*fsnotify.Watcher, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(dir); err != nil {
		_ = w.Close()
		return nil, err
	}
	go func() {
		for {
			select {
			case event, ok := <-w.Events:
				if !ok {
					return
				}
				if event.Has(fsnotify.Create) && strings.HasPrefix(filepath.Base(event.Name), dataChangedPrefix) {
					onChange()
				}
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
			}
		}
	}()
	return w, nil
}
