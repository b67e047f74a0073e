import sys

from kesiapan.cli import main

sys.exit(main())
