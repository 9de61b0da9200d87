package hooks

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fsnotify/fsnotify"
	"github.com/pocketbase/pocketbase/core"
)

// A CLI command (seed, ranking rebuild) writes the database from another
// process, which the server's hooks never see. It leaves a short-lived file
// in PocketBase's own pb_data/.notify folder; the server watches the folder
// and drops what it caches. PocketBase syncs settings between processes the
// same way.
const dataChangedPrefix = "rollcall-data@"

// NotifyDataChanged tells a server running on the same data dir that rows
// changed underneath it.
func NotifyDataChanged(app core.App) error {
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

// watchOtherProcesses calls onChange whenever another process announces a
// data change, for as long as the server runs.
func watchOtherProcesses(app core.App, onChange func()) {
	var watcher *fsnotify.Watcher
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		dir := filepath.Join(se.App.DataDir(), core.LocalNotifyDirName)
		w, err := startWatcher(dir, onChange)
		if err != nil {
			// Caches then only follow this process's writes; say so, don't fail.
			se.App.Logger().Warn("cannot watch for other processes' writes", "dir", dir, "error", err)
		}
		watcher = w
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if watcher != nil {
			_ = watcher.Close()
		}
		return e.Next()
	})
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
