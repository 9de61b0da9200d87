package hooks

import (
	"fmt"
	"os"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
)

// serveWithBanner lets PocketBase start serving, then prints where
// Rollcall's own pages and API are; PocketBase prints its REST API and
// dashboard addresses right after.
func serveWithBanner(se *core.ServeEvent, cfg *config.Config) error {
	if err := se.Next(); err != nil || se.Server == nil { // tests serve without a server
		return err
	}
	base := "http://" + hostOf(se.Server.Addr)
	fmt.Fprintf(os.Stdout, "Rollcall pages: %s/  ·  home API: %s%s  ·  \"today\" is a calendar day in %s\n",
		base, base, TopPath, cfg.ZoneName())
	return nil
}

func hostOf(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "localhost" + addr
	}
	return addr
}
