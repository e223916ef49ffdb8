// Package tutorials is the catalog: it loads the tutorial definitions
// embedded from assets/tutorials, validates them, runs one without a
// terminal (RunHeadless), and keeps each student's progress (Store) so a
// class can stop and pick up again.
//
// # The file format
//
// A tutorial is assets/tutorials/<id>.toml, with its markdown in files
// beside it, referenced by name relative to that directory:
//
//	title = "Hello World"          # required
//	summary = "…"                  # one line for the list
//	chapter = "Run Hello World"    # the book chapter it follows
//	order = 1                      # the list is sorted by order, then id
//	hidden = false                 # true keeps it out of List (init)
//
//	[[step]]
//	kind = "explain"               # explain ask design plan apply verify break inspect destroy write
//	title = "What we are about to do"
//	markdown = "hello-world/intro.md"   # or text = "inline markdown"
//	highlight = ["VPC", "VM"]      # services the runner draws heavy
//	when = "create"                # run only if the confirm field "create" was yes ("!create": no)
//
// Each kind adds its own settings, and a setting of another kind is an
// error:
//
//   - ask: change = a TOML fragment template merged into the manifest
//     ({{.key}}, {{quote .key}}, {{words .key}}, {{isDir .key}}, {{yes
//     .key}}), and [[step.field]] tables with key, prompt, help, type
//     (input, select, confirm, number), default, validate (app-name, port,
//     positive-int, image-or-dir, command), min, max, optional and
//     [[step.field.option]] (label, value) for a select;
//   - apply: watch = "/" calls that path of web through the load balancer
//     for as long as the apply runs (a release rolling out over a running
//     app); an uptime check after it judges what the calls saw;
//   - verify: timeout = "5m" and [[step.check]] tables with kind (http,
//     healthy, vms, log, uptime, release), name, process (default web),
//     path, status, body, count, contains, revision (release: "latest",
//     the default, or "previous" after a bad release);
//   - break: action (terminate-vm, delete, bad-release), target (the
//     logical id a delete removes), and for bad-release change (a manifest
//     fragment template, as an ask step's, e.g. an image tag that doesn't
//     exist) and watch (the path called meanwhile, default "/");
//   - write: file (default mvi.toml) and overwrite.
//
// Validate walks a tutorial as a student would and reports, at the line of
// the mistake, what can't work: an unknown kind or key, missing markdown, a
// manifest change mvi would refuse, a verify before any apply or one whose
// check the design at that point can't pass, an uptime check with nothing
// watched since the last apply, a rollback expected with no bad release.
package tutorials
