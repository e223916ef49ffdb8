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
//   - verify: timeout = "5m" and [[step.check]] tables with kind (http,
//     healthy, vms, log), name, process (default web), path, status, body,
//     count, contains;
//   - break: action (terminate-vm, delete) and target (the logical id a
//     delete removes);
//   - write: file (default mvi.toml) and overwrite.
//
// Validate walks a tutorial as a student would and reports, at the line of
// the mistake, what can't work: an unknown kind or key, missing markdown, a
// manifest change mvi would refuse, a verify before any apply or one whose
// check the design at that point can't pass.
package tutorials
