import sys

from kesiapan.cli.main import main

sys.exit(main())
