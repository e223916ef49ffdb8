package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
	engineaws "github.com/minimalinfra/mvi/engine/aws"
	"github.com/minimalinfra/mvi/engine/cloud"
)

// Inspect's details scroll, and say so, so nothing is off screen: the
// database's "See it yourself" can be reached at 80×24 (issue 10, item 7).
func TestInspectDetailsScroll(t *testing.T) {
	app := New(context.Background(), testConfig(nil))
	d := newDriver(t, app, 80, 24)
	app.insp = newInspectorFor(app.env, "shop", engine.Config{Handlers: engineaws.Handlers()})
	app.screen = screenInspect
	d.send(teaSize(80, 24))
	snap := fullSnapshot(t)
	for _, g := range snap.Services {
		for _, r := range g.Resources {
			if r.ID == "database" {
				// What a real database reports: more than a screen.
				for k, v := range map[string]string{"endpoint": "mvi-shop-database.c9akciq32.us-east-1.rds.amazonaws.com", "port": "5432",
					"engine": "postgres", "engine_version": "16.4", "class": "db.t4g.micro", "storage": "20 GiB gp3", "multi_az": "false",
					"backup_retention": "7 days", "kms_key": "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab",
					"subnet_group": "mvi-shop-db-subnets", "security_groups": longAttr, "parameter": "/mvi/shop/db-password",
					"maintenance": "sun:05:00-sun:06:00", "ca": "rds-ca-rsa2048-g1"} {
					r.Attrs[k] = v
				}
			}
		}
	}
	d.send(snapMsg{snap: snap, at: clock})
	for app.insp.cursor < len(app.insp.resources())-1 {
		if r, _ := app.insp.selected(); r.ID == "database" {
			break
		}
		d.key("down")
	}
	if r, _ := app.insp.selected(); r.ID != "database" {
		t.Fatalf("no db in the snapshot")
	}
	d.key("enter")
	v := d.m.View()
	assertFits(t, v, 80, 24)
	if !strings.Contains(v, "more below (pgdn)") || !strings.Contains(v, "pgup/pgdn scroll") {
		t.Fatalf("details longer than the screen say nothing of the rest:\n%s", v)
	}
	for range 5 {
		d.send(pgdown())
	}
	v = d.m.View()
	assertFits(t, v, 80, 24)
	if !strings.Contains(v, "aws rds describe-db-instances") || !strings.Contains(v, "more above (pgup)") {
		t.Errorf("the end of the details can't be reached:\n%s", v)
	}
}

// The task definition's aws command names family:revision, as mvi status
// shows it (not the bare revision number); on the sandbox the links say
// they reach only AWS; the load balancer shows where it answers here.
func TestInspectOnTheSandboxSaysWhatIsWhere(t *testing.T) {
	cfg := helloOnSandbox(t)
	c := testConfig(nil)
	c.Engine = cfg
	c.Local = func(cl *cloud.Clients) bool { return cl == cfg.Clients }
	c.Reach = func(app string) []string { return []string{"http://127.0.0.1:41234"} }
	app := New(context.Background(), c)
	d := newDriver(t, app, 100, 40)
	app.insp = newInspectorFor(app.env, "hello", cfg)
	app.screen = screenInspect
	d.run(app.insp.Init())
	d.send(teaSize(100, 40))
	d.until("the snapshot", func() bool { return app.insp.snap != nil })
	if v := d.m.View(); !strings.Contains(v, "on this machine: http://127.0.0.1:41234") {
		t.Errorf("the list does not say where the load balancer answers here:\n%s", v)
	}
	open := func(id string) string {
		t.Helper()
		app.insp.cursor = 0
		for app.insp.cursor < len(app.insp.resources())-1 {
			if r, _ := app.insp.selected(); r.ID == id {
				break
			}
			d.key("down")
		}
		d.key("enter")
		for range 5 {
			d.send(pgdown())
		}
		v := strings.Join(strings.Fields(d.m.View()), " ")
		d.key("esc")
		d.until("the list again", func() bool { return !app.insp.detail })
		return v
	}
	td := open("task-definition/web")
	name := "mvi-hello-task-definition-web:1"
	if !strings.Contains(td, "--task-definition "+name+" ") {
		t.Errorf("the task definition's command does not name %s:\n%s", name, td)
	}
	if !strings.Contains(td, "On AWS only") {
		t.Errorf("a sandbox resource's AWS links say nothing of where they reach:\n%s", td)
	}
	if lb := open("lb"); !strings.Contains(lb, "local URL http://127.0.0.1:41234") {
		t.Errorf("the load balancer's details lack its local URL:\n%s", lb)
	}
}

// "Which app?" offers the apps the cloud has and the app of ./mvi.toml,
// as a placeholder: typing replaces it, enter alone takes it.
func TestWhichAppOffersTheAppsAndTypingReplaces(t *testing.T) {
	cfg := helloOnSandbox(t)
	for _, c := range []struct{ typed, want string }{{"hello", "hello"}, {"", "shop"}} {
		t.Run(fmt.Sprintf("typed %q", c.typed), func(t *testing.T) {
			conf := testConfig(nil)
			conf.Engine, conf.InspectApp = cfg, "shop"
			app := New(context.Background(), conf)
			d := newDriver(t, app, 100, 30)
			d.key("up") // the list wraps: up from the first entry is Inspect
			d.key("enter")
			d.until("the question", func() bool { return app.insp != nil && app.insp.ask != nil })
			d.settle()
			v := strings.Join(strings.Fields(d.m.View()), " ")
			for _, want := range []string{"Which app?", "./mvi.toml names shop", "Apps on the sandbox (/tmp/sandbox): hello", "Enter takes shop"} {
				if !strings.Contains(v, want) {
					t.Errorf("the question lacks %q:\n%s", want, d.m.View())
				}
			}
			d.key(c.typed)
			d.key("enter")
			d.until("the app is chosen", func() bool { return !app.insp.choosing })
			if app.insp.app != c.want {
				t.Errorf("typing %q chose %q, want %q", c.typed, app.insp.app, c.want)
			}
		})
	}
}
