from cunwu_tui.cli import main

raise SystemExit(main())
